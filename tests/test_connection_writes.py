"""One write per response (issue #13): what a connection's request cycles write in one turn of the
event loop reaches the socket in one call (``connections.OneWritePerTurn``), in the order written.

The unit tests drive the wrapper over a recording transport; the live ones count the calls that
reach a real connection's transport, on both protocol classes, and check the bytes are unchanged.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from ghl_mock import connections, runtime
from ghl_mock.app import create_app
from ghl_mock.connections import OneWritePerTurn
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings
from tests.conftest import START, headers


class Recording:
    """A transport that keeps every call made on it, in order."""

    def __init__(self, inner: Any = None) -> None:
        self.inner = inner
        self.calls: list[tuple[str, Any]] = []
        self.closing = False

    def _call(self, name: str, *args: Any) -> Any:
        self.calls.append((name, args[0] if len(args) == 1 else args))
        return getattr(self.inner, name)(*args) if self.inner is not None else None

    def write(self, data: bytes) -> None:
        self._call("write", data)

    def writelines(self, data: list[bytes]) -> None:
        self._call("writelines", list(data))

    def close(self) -> None:
        self.closing = True
        self._call("close")

    def abort(self) -> None:
        self.closing = True
        self._call("abort")

    def write_eof(self) -> None:
        self._call("write_eof")

    def set_protocol(self, protocol: Any) -> None:
        self._call("set_protocol", protocol)

    def get_write_buffer_size(self) -> int:
        self._call("get_write_buffer_size")
        return 0

    def is_closing(self) -> bool:
        return self.inner.is_closing() if self.inner is not None else self.closing

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def next_turn() -> None:
    asyncio.get_event_loop().run_until_complete(asyncio.sleep(0))


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()


def wrapped(loop: asyncio.AbstractEventLoop) -> tuple[OneWritePerTurn, Recording]:
    real = Recording()
    return OneWritePerTurn(real, loop), real  # type: ignore[arg-type]


def test_what_one_turn_writes_leaves_in_one_call_at_its_end(loop: asyncio.AbstractEventLoop) -> None:
    transport, real = wrapped(loop)
    transport.write(b"HTTP/1.1 401 Unauthorized\r\n\r\n")
    transport.write(bytearray(b"{}"))
    assert real.calls == [], "written before the turn ended"
    next_turn()
    assert real.calls == [("writelines", [b"HTTP/1.1 401 Unauthorized\r\n\r\n", b"{}"])]


def test_flush_sends_at_once_and_a_later_turn_writes_on_its_own(loop: asyncio.AbstractEventLoop) -> None:
    transport, real = wrapped(loop)
    transport.write(b"head")
    transport.flush()
    assert real.calls == [("write", b"head")]
    next_turn()  # the turn's own flush finds nothing left
    transport.write(b"next")
    transport.write(b"")  # nothing: not a call
    next_turn()
    assert real.calls == [("write", b"head"), ("write", b"next")]


@pytest.mark.parametrize(
    ("call", "args"),
    [("close", ()), ("abort", ()), ("write_eof", ()), ("set_protocol", ("p",)), ("get_write_buffer_size", ())],
)
def test_what_could_follow_a_write_sends_the_held_bytes_first(
    loop: asyncio.AbstractEventLoop, call: str, args: tuple[Any, ...]
) -> None:
    transport, real = wrapped(loop)
    transport.writelines([b"a", b"b"])
    getattr(transport, call)(*args)
    assert real.calls == [("writelines", [b"a", b"b"]), (call, args[0] if args else ())]


def test_a_transport_closed_before_the_turn_ends_gets_nothing(loop: asyncio.AbstractEventLoop) -> None:
    transport, real = wrapped(loop)
    transport.write(b"late")
    real.closing = True  # the connection was lost meanwhile
    next_turn()
    assert real.calls == []


# --- on a real connection --------------------------------------------------------------------


@pytest.fixture(params=["httptools", "h11"])
def counted(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[Recording]]]:
    """A live server whose connections' real transports record the calls that reach them."""
    name = "TrackingHTTPProtocol" if request.param == "httptools" else "TrackingH11Protocol"
    monkeypatch.setattr(runtime, "TrackingHTTPProtocol", getattr(connections, name))
    seen: list[Recording] = []
    original = OneWritePerTurn.__init__

    def recording_init(self: OneWritePerTurn, transport: Any, loop: Any) -> None:
        seen.append(Recording(transport))
        original(self, seen[-1], loop)  # type: ignore[arg-type]

    monkeypatch.setattr(OneWritePerTurn, "__init__", recording_init)
    with LiveServer(create_app(Settings(access_log=False))) as server:
        yield server.url, seen


def exchange(url: str, request: bytes, responses: int = 1) -> bytes:
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while data.count(b"HTTP/1.1 ") < responses or not data.endswith((b"}", b"]")):
            chunk = sock.recv(65536)
            assert chunk, f"closed early: {data!r}"
            data += chunk
        return data


def test_a_json_error_is_one_call_on_the_socket(counted: tuple[str, list[Recording]]) -> None:
    url, seen = counted
    request = b"GET " + START.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nVersion: 2021-07-28\r\n"
    data = exchange(url, request + b"Authorization: Bearer not-a-jwt\r\n\r\n")
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 401 ") and body == b'{"statusCode":401,"message":"Invalid JWT"}'
    (connection,) = seen
    writes = [(name, args) for name, args in connection.calls if name in ("write", "writelines")]
    assert len(writes) == 1, f"one call expected for the whole response, got {writes}"
    sent = writes[0][1] if writes[0][0] == "write" else b"".join(writes[0][1])
    assert sent == data, "the bytes on the wire are what the cycle wrote, in order"


def test_pipelined_requests_keep_their_order(counted: tuple[str, list[Recording]]) -> None:
    url, _ = counted
    good = headers()
    lines = "".join(f"{name}: {value}\r\n" for name, value in good.items())
    one = f"GET /social-media-posting/oauth/tiktok-business/start HTTP/1.1\r\nHost: x\r\n{lines}\r\n".encode()
    health = b"GET /__mock/health HTTP/1.1\r\nHost: x\r\n\r\n"
    data = exchange(url, one + health, responses=2)
    first, second = data.split(b"HTTP/1.1 ")[1:3]
    assert first.startswith(b"422 ") and second.startswith(b"200 "), data

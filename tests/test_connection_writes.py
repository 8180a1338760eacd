"""One write per response (issue #13): a response's head leaves with the start of its body in one
call on the socket (``connections.HeadWithBody``), and nothing else is held.

The unit tests drive the wrapper over a recording transport; the live ones count the calls that
reach a real connection's transport, on both protocol classes, and check the bytes and their order.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest

from ghl_mock import connections, runtime
from ghl_mock.app import create_app
from ghl_mock.connections import HeadWithBody
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings
from tests.conftest import START, connect, headers


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
        self._call("writelines", tuple(data))

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


def wrapped(loop: asyncio.AbstractEventLoop) -> tuple[HeadWithBody, Recording]:
    real = Recording()
    return HeadWithBody(real, loop), real  # type: ignore[arg-type]


def test_a_response_head_leaves_with_its_body_in_one_call(loop: asyncio.AbstractEventLoop) -> None:
    transport, real = wrapped(loop)
    transport.write(b"HTTP/1.1 401 Unauthorized\r\n\r\n")
    assert real.calls == [], "the head left before its body"
    transport.write(bytearray(b"{}"))
    assert real.calls == [("writelines", (b"HTTP/1.1 401 Unauthorized\r\n\r\n", b"{}"))]


def test_what_follows_the_first_body_bytes_goes_straight_to_the_socket(loop: asyncio.AbstractEventLoop) -> None:
    """A streamed body is not held: uvloop's buffer (and uvicorn's backpressure) sees each chunk."""
    transport, real = wrapped(loop)
    for chunk in (b"head", b"one", b"two", b"three"):
        transport.write(chunk)
    assert real.calls == [("writelines", (b"head", b"one")), ("write", b"two"), ("write", b"three")]


def test_a_head_whose_body_is_slow_leaves_at_the_end_of_the_turn(loop: asyncio.AbstractEventLoop) -> None:
    transport, real = wrapped(loop)
    transport.write(b"head")
    next_turn()
    assert real.calls == [("write", b"head")]
    transport.write(b"body")  # later, on its own: the response's first write is gone
    transport.write(b"")  # nothing: not a call
    assert real.calls == [("write", b"head"), ("write", b"body")]


def test_each_response_is_gathered_and_a_bodiless_one_leaves_at_its_end(loop: asyncio.AbstractEventLoop) -> None:
    transport, real = wrapped(loop)
    transport.write(b"head 1")
    transport.write(b"body 1")
    transport.response_complete()
    transport.write(b"head 2 (HEAD request)")
    assert real.calls == [("writelines", (b"head 1", b"body 1"))]
    transport.response_complete()
    transport.write(b"head 3")
    transport.write(b"body 3")
    assert real.calls == [
        ("writelines", (b"head 1", b"body 1")),
        ("write", b"head 2 (HEAD request)"),
        ("writelines", (b"head 3", b"body 3")),
    ]


@pytest.mark.parametrize(
    ("call", "args"),
    [("close", ()), ("abort", ()), ("write_eof", ()), ("set_protocol", ("p",)), ("get_write_buffer_size", ())],
)
def test_what_could_follow_a_write_sends_the_held_bytes_first(
    loop: asyncio.AbstractEventLoop, call: str, args: tuple[Any, ...]
) -> None:
    transport, real = wrapped(loop)
    transport.writelines([b"head"])
    getattr(transport, call)(*args)
    assert real.calls == [("write", b"head"), (call, args[0] if args else ())]


def test_an_interim_100_continue_is_not_held_and_the_head_after_it_is(loop: asyncio.AbstractEventLoop) -> None:
    transport, real = wrapped(loop)
    transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    transport.write(b"HTTP/1.1 201 Created\r\n\r\n")
    transport.write(b"{}")
    assert real.calls == [
        ("write", b"HTTP/1.1 100 Continue\r\n\r\n"),
        ("writelines", (b"HTTP/1.1 201 Created\r\n\r\n", b"{}")),
    ]


def test_after_an_upgrade_nothing_is_held(loop: asyncio.AbstractEventLoop) -> None:
    """The WebSocket protocol's end of file would not flush, and nothing re-arms the gathering."""
    transport, real = wrapped(loop)
    transport.set_protocol("websocket")  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 101 Switching Protocols\r\n\r\n")
    assert real.calls == [("set_protocol", "websocket"), ("write", b"HTTP/1.1 101 Switching Protocols\r\n\r\n")]


def test_a_transport_closed_before_the_turn_ends_gets_nothing(loop: asyncio.AbstractEventLoop) -> None:
    transport, real = wrapped(loop)
    transport.write(b"late")
    real.closing = True  # the connection was lost meanwhile
    next_turn()
    assert real.calls == []


def test_what_is_not_bytes_like_is_refused(loop: asyncio.AbstractEventLoop) -> None:
    transport, _ = wrapped(loop)
    with pytest.raises(TypeError):
        transport.write(5)  # type: ignore[arg-type]


class _Protocol(asyncio.Protocol):
    """The part of uvicorn's protocols ``_HeadGuard`` builds on."""

    transport: asyncio.Transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.Transport", transport)

    def on_response_complete(self) -> None:
        pass


class _Guarded(connections._HeadGuard, _Protocol):
    _scopes_carry_transport = True

    def _awaiting_head(self) -> bool:
        return True


def test_the_clients_end_of_file_sends_a_held_head_before_the_close(loop: asyncio.AbstractEventLoop) -> None:
    """uvloop closes the transport after ``eof_received``: what is held must be written before."""
    real = Recording()

    async def run() -> None:
        protocol = _Guarded()
        protocol.loop = asyncio.get_running_loop()
        protocol.connection_made(real)  # type: ignore[arg-type]
        protocol.transport.write(b"head")
        protocol.eof_received()
        assert real.calls == [("write", b"head")]
        protocol.on_response_complete()
        protocol.transport.write(b"next head")
        assert real.calls == [("write", b"head")], "the next response's head is held again"
        protocol.connection_lost(None)

    loop.run_until_complete(run())


# --- on a real connection --------------------------------------------------------------------


@pytest.fixture(params=["httptools", "h11"])
def counted(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[Recording]]]:
    """A live server whose connections' real transports record the calls that reach them."""
    name = "TrackingHTTPProtocol" if request.param == "httptools" else "TrackingH11Protocol"
    monkeypatch.setattr(runtime, "TrackingHTTPProtocol", getattr(connections, name))
    seen: list[Recording] = []
    original = HeadWithBody.__init__

    def recording_init(self: HeadWithBody, transport: Any, loop: Any) -> None:
        seen.append(Recording(transport))
        original(self, seen[-1], loop)  # type: ignore[arg-type]

    monkeypatch.setattr(HeadWithBody, "__init__", recording_init)
    with LiveServer(create_app(Settings(access_log=False))) as server:
        yield server.url, seen


def read_until(sock: socket.socket, done: Callable[[bytes], bool]) -> bytes:
    """What the server sends until ``done`` says it is all there (failing if it closes first)."""
    data = b""
    while not done(data):
        chunk = sock.recv(65536)
        assert chunk, f"closed early: {data!r}"
        data += chunk
    return data


def socket_writes(connection: Recording) -> list[tuple[str, Any]]:
    """The calls that put bytes on the connection's socket."""
    return [(name, args) for name, args in connection.calls if name in ("write", "writelines")]


def test_a_json_error_is_one_call_on_the_socket(counted: tuple[str, list[Recording]]) -> None:
    url, seen = counted
    request = b"GET " + START.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nVersion: 2021-07-28\r\n"
    with connect(url) as sock:
        sock.sendall(request + b"Authorization: Bearer not-a-jwt\r\n\r\n")
        data = read_until(sock, lambda data: data.startswith(b"HTTP/1.1 ") and data.endswith(b"}"))
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 401 ") and body == b'{"statusCode":401,"message":"Invalid JWT"}'
    (connection,) = seen
    writes = socket_writes(connection)
    assert len(writes) == 1, f"one call expected for the whole response, got {writes}"
    sent = writes[0][1] if writes[0][0] == "write" else b"".join(writes[0][1])
    assert sent == data, "the bytes on the wire are what the cycle wrote, in order"


def test_each_response_on_a_kept_alive_connection_is_one_call(counted: tuple[str, list[Recording]]) -> None:
    url, seen = counted
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers().items())
    request = f"GET /social-media-posting/oauth/tiktok-business/start HTTP/1.1\r\nHost: x\r\n{lines}\r\n".encode()
    health = b"GET /__mock/health HTTP/1.1\r\nHost: x\r\n\r\n"
    with connect(url) as sock:
        answers = []
        for one in (request, health, request):
            sock.sendall(one)
            answers.append(read_until(sock, lambda data: data.endswith(b"}")))
    assert [answer.split(b" ", 2)[1] for answer in answers] == [b"422", b"200", b"422"]
    (connection,) = seen
    writes = socket_writes(connection)
    assert len(writes) == 3, f"one call per response expected, got {writes}"


def test_pipelined_requests_keep_their_order_one_call_each(counted: tuple[str, list[Recording]]) -> None:
    """GET, HEAD (a head and no body: sent at the response's end), GET, in one send."""
    url, seen = counted
    health = b"GET /__mock/health HTTP/1.1\r\nHost: x\r\n\r\n"
    head = b"HEAD /__mock/health HTTP/1.1\r\nHost: x\r\n\r\n"
    with connect(url) as sock:
        sock.sendall(health + head + health)
        data = read_until(sock, lambda data: data.count(b"HTTP/1.1 200 ") >= 3 and data.endswith(b"}"))
    answers = data.split(b"HTTP/1.1 ")[1:]
    assert [answer.endswith(b"}") for answer in answers] == [True, False, True], data
    (connection,) = seen
    writes = socket_writes(connection)
    assert len(writes) == 3, f"one call per response expected, got {writes}"


async def _stream(scope: Any, receive: Any, send: Any) -> None:
    """An ASGI app streaming ``CHUNKS`` chunks of 1 MiB without awaiting anything but ``send``."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    for _ in range(CHUNKS):
        await send({"type": "http.response.body", "body": b"x" * 2**20, "more_body": True})
        STREAMED.append(1)
    await send({"type": "http.response.body", "body": b""})


CHUNKS = 100
STREAMED: list[int] = []


@pytest.mark.parametrize("protocol", ["TrackingHTTPProtocol", "TrackingH11Protocol"])
def test_a_streamed_body_waits_for_a_slow_reader(monkeypatch: pytest.MonkeyPatch, protocol: str) -> None:
    """Backpressure still reaches the app: a client that reads nothing stops the stream early
    (holding every write of a turn let the whole 100 MiB pile up in the server)."""
    monkeypatch.setattr(runtime, "TrackingHTTPProtocol", getattr(connections, protocol))
    STREAMED.clear()
    with LiveServer(_stream) as server, connect(server.url) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(1.0)  # reading nothing
        assert len(STREAMED) < CHUNKS // 2, f"{len(STREAMED)} MiB taken while the client read nothing"
        received = 0
        while True:
            chunk = sock.recv(2**20)
            received += len(chunk)
            if not chunk or chunk.endswith(b"0\r\n\r\n"):
                break
    assert len(STREAMED) == CHUNKS and received > CHUNKS * 2**20

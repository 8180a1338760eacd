"""Connection-level hardening (issue #12): a bounded request head, a deadline for it, SIGHUP as a
graceful shutdown, and a banner whose example command is safe to paste into a shell.

Everything runs over real sockets on 127.0.0.1, against both protocol classes (httptools, which
``serve`` uses, and the h11 fallback taken when httptools is missing).
"""

from __future__ import annotations

import contextlib
import gc
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from ghl_mock import connections, runtime
from ghl_mock.app import create_app
from ghl_mock.fixtures import Fixtures, LocationsFile, TokensFile
from ghl_mock.live import LiveServer
from ghl_mock.server import example_request
from ghl_mock.settings import Settings
from tests.conftest import DEMO_LOCATION, START, connect, headers

ROOT = Path(__file__).resolve().parent.parent
LIMIT = connections.HEAD_LIMIT_BYTES
PROTOCOLS = ["httptools", "h11"]


@pytest.fixture(scope="module", params=PROTOCOLS)
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A live server on the httptools protocol (what ``serve`` runs) or the h11 fallback."""
    name = "TrackingHTTPProtocol" if request.param == "httptools" else "TrackingH11Protocol"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runtime, "TrackingHTTPProtocol", getattr(connections, name))
        with LiveServer(create_app(Settings(access_log=False))) as server:
            yield server.url


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    """The head timeout, shortened for the test (read by each new connection)."""
    monkeypatch.setattr(connections, "HEAD_TIMEOUT_SECONDS", 1.0)
    return 1.0


def send(sock: socket.socket, data: bytes) -> None:
    """Send, ignoring the server's having closed first (it answers, then stops reading)."""
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        sock.sendall(data)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends before it closes (a reset after its answer ends it too)."""
    chunks: list[bytes] = []
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def read_response(sock: socket.socket) -> bytes:
    """One response with a Content-Length body, the connection left open."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    fields = dict(line.split(b": ", 1) for line in head.lower().split(b"\r\n")[1:])
    length = int(fields[b"content-length"])
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


HEALTH = b"GET /__mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"


# --- 1. the size of the request head ------------------------------------------------------------


def test_an_unterminated_oversized_header_is_431_and_closed(url: str) -> None:
    with connect(url) as sock:
        send(sock, HEALTH + b"X-Big: " + b"a" * (2 * LIMIT))  # never terminated
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer[:200]
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"\r\nconnection: close" in head.lower()
    assert b"content-type: text/plain" in head.lower()
    assert 0 < len(body) < 200


def test_a_client_still_writing_its_header_reads_the_431_without_a_reset(url: str) -> None:
    """A lingering close: 8 MB more after the limit is read and dropped, not answered with a reset."""
    with connect(url) as sock:
        sock.sendall(HEALTH + b"X-Big: ")
        for _ in range(128):
            sock.sendall(b"f" * 65536)  # raises if the server reset the connection
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert answer.endswith(b"bytes.")  # the whole answer, then the server's FIN


def test_the_lingering_lasts_while_a_slow_client_keeps_writing(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A client slowed down (a busy machine) still writes after the linger's quiet time has passed
    once: the connection stays read until it pauses, and the client gets the 431, not a reset."""
    monkeypatch.setattr(connections, "LINGER_SECONDS", 0.3)
    with connect(url) as sock:
        sock.sendall(HEALTH + b"X-Big: " + b"g" * LIMIT)
        for _ in range(8):  # 1.6 s of writes after the answer, a write every 0.2 s
            time.sleep(0.2)
            sock.sendall(b"g" * 4096)  # raises if the server reset the connection
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]


def test_many_headers_over_the_limit_in_small_writes_are_431(url: str) -> None:
    """The limit is on the whole head, counted across reads: many small headers, sent one by one."""
    with connect(url) as sock:
        send(sock, HEALTH)
        line = b"X-Filler: " + b"b" * 990 + b"\r\n"
        for _ in range(LIMIT // len(line) + 2):
            send(sock, line)
        send(sock, b"\r\n")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]


def test_too_many_header_lines_are_431_however_few_bytes_they_are(url: str) -> None:
    """Each parsed field is held until the head ends: 64 KiB of ``a:b`` lines would cost ~1.5 MB a
    connection. More than HEAD_LIMIT_LINES lines, sent in small writes, are refused."""
    with connect(url) as sock:
        send(sock, HEALTH)
        for _ in range(connections.HEAD_LIMIT_LINES + 5):
            send(sock, b"a:b\r\n")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert b"header lines" in answer


def test_a_head_with_many_but_allowed_lines_is_served(url: str) -> None:
    with connect(url) as sock:
        send(sock, HEALTH)
        for i in range(connections.HEAD_LIMIT_LINES - 10):
            send(sock, f"X-H{i}: v\r\n".encode())
        send(sock, b"Connection: close\r\n\r\n")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]


def test_a_long_url_counts_as_head(url: str) -> None:
    with connect(url) as sock:
        send(sock, b"GET /__mock/health?" + b"q" * (LIMIT + 10) + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]


def test_a_head_just_under_the_limit_is_served(url: str) -> None:
    filler = b"X-Filler: " + b"c" * (LIMIT - len(HEALTH) - 200) + b"\r\n"
    request = HEALTH + filler + b"Connection: close\r\n\r\n"
    assert LIMIT - 200 < len(request) <= LIMIT
    with connect(url) as sock:
        send(sock, request)
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]


def test_a_large_body_arriving_with_its_head_is_not_counted_as_head(url: str) -> None:
    """A small head and a 200 kB body in one write: the body is the app's business (a 413), not 431."""
    body = b'{"name": "' + b"x" * 200_000 + b'"}'
    request = (
        f"POST /social-media-posting/oauth/{DEMO_LOCATION}/facebook/accounts/x HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nVersion: 2021-07-28\r\nAuthorization: Bearer pit-00000000-0000-4000-8000-000000000001\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    with connect(url) as sock:
        send(sock, request)
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]


def test_each_request_on_a_keep_alive_connection_has_its_own_limit(url: str) -> None:
    almost = HEALTH + b"X-Filler: " + b"d" * (LIMIT - len(HEALTH) - 100) + b"\r\n\r\n"
    with connect(url) as sock:
        for _ in range(3):  # three heads near the limit, one after another: each is within it
            send(sock, almost)
            assert read_response(sock).startswith(b"HTTP/1.1 200 ")
        send(sock, HEALTH + b"X-Big: " + b"e" * (LIMIT + 1))
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]


# --- 2. the time the request head may take ------------------------------------------------------


def test_an_idle_new_connection_is_closed_silently_at_the_head_timeout(url: str, short_timeout: float) -> None:
    with connect(url) as sock:
        began = time.monotonic()
        answer = read_until_closed(sock)
        elapsed = time.monotonic() - began
    assert answer == b""
    assert short_timeout - 0.1 < elapsed < short_timeout + 1.5


def test_a_half_sent_head_is_408_at_the_timeout(url: str, short_timeout: float) -> None:
    with connect(url) as sock:
        began = time.monotonic()
        send(sock, HEALTH)  # no blank line: the head never completes
        answer = read_until_closed(sock)
        elapsed = time.monotonic() - began
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer[:200]
    assert b"\r\nconnection: close" in answer.lower()
    assert short_timeout - 0.1 < elapsed < short_timeout + 1.5


def test_slowloris_is_cut_at_the_timeout_not_reset_by_each_byte(url: str, short_timeout: float) -> None:
    """One header byte every 0.1 s, for up to four timeouts: the server cuts it at the first."""
    with connect(url) as sock:
        sock.settimeout(0.1)
        began = time.monotonic()
        send(sock, HEALTH)
        answer = b""
        while time.monotonic() - began < 4 * short_timeout:
            send(sock, b"x")
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                break
            if not chunk:
                break
            answer += chunk
        elapsed = time.monotonic() - began
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert elapsed < short_timeout + 1.5


def test_the_timeout_applies_to_each_head_on_a_keep_alive_connection(url: str, short_timeout: float) -> None:
    with connect(url) as sock:
        send(sock, HEALTH + b"\r\n")
        assert read_response(sock).startswith(b"HTTP/1.1 200 ")
        time.sleep(short_timeout / 2)  # idle between requests: the keep-alive timeout's business
        began = time.monotonic()
        send(sock, b"GET /__mock/health HTTP/1.1\r\n")  # then a head that never completes
        answer = read_until_closed(sock)
        elapsed = time.monotonic() - began
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert short_timeout - 0.1 < elapsed < short_timeout + 1.5


def test_a_slow_answer_is_not_cut_by_the_head_timeout(url: str, short_timeout: float) -> None:
    """The deadline is for the head only: a 1.5 s scripted delay, then a second request, both answered."""
    with httpx.Client(base_url=url, timeout=10) as client:
        slow = {**headers(), "X-Mock-Scenario": "slow"}
        params = {"locationId": DEMO_LOCATION, "userId": "u"}
        first = client.get(START, params=params, headers=slow)
        second = client.get("/__mock/health")
    assert first.status_code == 302 and second.status_code == 200


def test_keep_alive_timeout_is_set() -> None:
    """An idle kept-alive connection is uvicorn's timeout_keep_alive: 5 s, set explicitly."""
    server = runtime.build_server(create_app(Settings()))
    assert server.config.timeout_keep_alive == runtime.KEEP_ALIVE_SECONDS == 5


# --- 3. SIGHUP ----------------------------------------------------------------------------------


def test_sighup_is_a_graceful_shutdown_like_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ghl_mock", "serve", "--port", "0", "--no-access-log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("ghl-mock ready on "), line
        base = line.removeprefix("ghl-mock ready on ").strip()
        slow = {**headers(), "X-Mock-Scenario": "slow"}  # the library's 1.5 s delay
        answers: list[int | str] = []

        def in_flight() -> None:
            try:
                response = httpx.get(
                    f"{base}{START}", params={"locationId": DEMO_LOCATION, "userId": "u"}, headers=slow, timeout=10
                )
                answers.append(response.status_code)
            except httpx.HTTPError as exc:
                answers.append(repr(exc))

        thread = threading.Thread(target=in_flight)
        thread.start()
        time.sleep(0.5)  # the request now waits on the scripted delay
        proc.send_signal(signal.SIGHUP)
        thread.join(10)
        assert answers == [302]
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate()
    assert "Traceback" not in err


# --- 4. the banner's example command ------------------------------------------------------------


def argv_of(banner: str) -> list[str]:
    """The banner's command as a shell reads it (backslash-newline continues the line)."""
    command = banner.split("\n", 1)[1]
    return shlex.split(command.replace("\\\n", " "))


@pytest.mark.parametrize(
    ("base", "location", "user"),
    [
        ("http://127.0.0.1:8080", "demo-location", "demo-user"),
        ("http://[::1]:8080", "o'neil & co", 'u"$(touch /tmp/pwned)`id`;#'),
        ("http://127.0.0.1:8080/a b'c$HOME", "l\\x", "*?[a]"),
    ],
)
def test_the_banner_command_is_shell_quoted(base: str, location: str, user: str) -> None:
    fixtures = Fixtures(
        LocationsFile.model_validate(
            {
                "defaultAccounts": {},
                "locations": [{"id": location, "name": "n", "companyId": "c", "users": [{"id": user, "name": "u"}]}],
            }
        ),
        TokensFile.model_validate(
            {
                "privateIntegrationTokens": [
                    {
                        "token": "pit-abc-1",
                        "authClass": "Location",
                        "locationId": location,
                        "scopes": ["socialplanner/oauth.readonly"],
                    }
                ]
            }
        ),
    )
    banner = example_request(base, fixtures, Settings())
    assert argv_of(banner) == [
        "curl",
        "-i",
        f"{base}{START}?{urlencode({'locationId': location, 'userId': user})}",
        "-H",
        "Version: 2021-07-28",
        "-H",
        "Authorization: Bearer pit-abc-1",
    ]


def test_an_upgraded_connection_is_not_kept_alive_by_the_head_timer(url: str) -> None:
    """After a WebSocket upgrade the connection is the WebSocket protocol's: the HTTP protocol
    object (and its parser) must go with it, not live on until its head timer fires (10 s)."""

    def alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, connections._HeadGuard))

    time.sleep(0.2)
    before = alive()
    socks = []
    for _ in range(5):
        sock = connect(url)
        send(
            sock,
            b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        sock.settimeout(5)
        assert sock.recv(300).startswith(b"HTTP/1.1 "), "no answer to the upgrade request"
        socks.append(sock)
    for sock in socks:
        sock.close()
    deadline = time.monotonic() + 3  # well inside the 10 s head timeout
    while alive() > before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive() <= before

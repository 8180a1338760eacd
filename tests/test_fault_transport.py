"""Network faults act on the connection that carried the request, never on another one.

An in-process client has a made-up peer address; a live server may have a real connection from
that same address. A fault scripted for the in-process request must not touch the live one.
"""

from __future__ import annotations

import http.client
import threading
import time

import httpx
import pytest

from ghl_mock.app import create_app
from ghl_mock.inprocess import ASGISyncTransport
from ghl_mock.live import LiveServer
from ghl_mock.scenarios.inprocess_faults import EmptyReply
from ghl_mock.settings import Settings
from tests.conftest import DEMO_LOCATION, START, headers

QUERY = {"locationId": DEMO_LOCATION, "userId": "demo-user"}


def health(conn: http.client.HTTPConnection) -> int:
    conn.request("GET", "/__mock/health")
    response = conn.getresponse()
    response.read()
    return response.status


def test_in_process_empty_reply_leaves_a_live_connection_from_the_same_peer_alone() -> None:
    with LiveServer(create_app(Settings())) as server:
        host, port = httpx.URL(server.url).host, httpx.URL(server.url).port
        assert host == "127.0.0.1" and port is not None
        conn = http.client.HTTPConnection(host, port, timeout=5, source_address=("127.0.0.1", 0))
        try:
            assert health(conn) == 200  # the server has accepted (and registered) the connection
            assert conn.sock is not None
            live_socket = conn.sock
            peer: tuple[str, int] = live_socket.getsockname()[:2]

            # An in-process client whose made-up peer address is the live connection's.
            transport = ASGISyncTransport(create_app(Settings()), client=peer)
            with httpx.Client(transport=transport, base_url="http://testserver") as client, pytest.raises(EmptyReply):
                client.get(START, params=QUERY, headers={**headers(), "X-Mock-Scenario": "empty-reply"})

            assert health(conn) == 200  # same keep-alive connection, still open
            assert conn.sock is live_socket
        finally:
            conn.close()


def test_live_responses_carry_no_server_header() -> None:
    with LiveServer(create_app(Settings())) as server:
        response = httpx.get(f"{server.url}/__mock/health")
    assert response.status_code == 200
    assert "server" not in response.headers


def test_stopping_a_live_server_cuts_a_scripted_delay_short() -> None:
    app = create_app(Settings())
    server = LiveServer(app)
    server.start()
    outcome: dict[str, object] = {}

    def slow_request() -> None:
        began = time.monotonic()
        try:
            outcome["status"] = httpx.get(
                f"{server.url}{START}",
                params=QUERY,
                headers={**headers(), "X-Mock-Scenario": "slow"},  # 1.5 s of scripted latency
                timeout=10,
            ).status_code
        except httpx.HTTPError as exc:  # pragma: no cover - reported by the assertion below
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - began

    thread = threading.Thread(target=slow_request)
    thread.start()
    try:
        time.sleep(0.3)  # the request is inside its scripted delay
    finally:
        server.stop()
        thread.join(10)
    assert app.state.ctx.state.stopping.is_set()
    assert outcome.get("status") == 302, outcome  # in-flight requests still get their answer
    assert isinstance(seconds := outcome["seconds"], float) and seconds < 1.2, outcome

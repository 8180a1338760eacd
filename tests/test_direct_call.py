"""``GhlMock.call``: one request straight to the app in-process (no httpx), answered as ``client`` is.

Each answer is compared with the same request sent through ``mock.client``, on a fresh mock each
time, so a difference in what ``call`` builds (path, query, headers, body, Host) shows as a
difference in the answer or the journal.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ghl_mock.inprocess import Answer, _server, json_body
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings
from ghl_mock.testing import GhlMock, _RemoteBackend
from ghl_mock.wire import SESSION_HEADER
from tests.conftest import DEMO_LOCATION, DEMO_USER, START, headers, mint

QUERY = {"locationId": DEMO_LOCATION, "userId": DEMO_USER}


def both(send: Callable[[GhlMock], Any]) -> tuple[Any, Any]:
    """``send`` on two fresh in-process mocks: one through ``call``, one through ``client``."""
    results = []
    for direct in (True, False):
        mock = GhlMock.in_process()
        results.append(send_with(mock, direct, send))
        mock.close()
    return results[0], results[1]


def send_with(mock: GhlMock, direct: bool, send: Callable[[GhlMock], Any]) -> Any:
    mock._use_call = direct  # type: ignore[attr-defined]
    return send(mock)


def request(mock: GhlMock, method: str, path: str, **kw: Any) -> tuple[int, dict[str, str], bytes]:
    if mock._use_call:  # type: ignore[attr-defined]
        answer = mock.call(method, path, **kw)
        return answer.status_code, dict(answer.headers.items()), answer.content
    response = mock.client.request(method, path, **kw)
    return response.status_code, dict(response.headers.items()), response.content


def without_state(answer: tuple[Any, ...]) -> tuple[Any, ...]:
    """The 302's Location (and its body) carries a fresh signed state; everything before it must match."""
    status, sent, *body = answer
    if "location" in sent:
        sent = {**sent, "location": sent["location"].partition("state=")[0], "content-length": "(the state's)"}
        body = [part.partition(b"state=")[0] for part in body]
    return status, sent, *body


@pytest.mark.parametrize(
    ("method", "path", "kw"),
    [
        ("GET", START, {"params": QUERY, "headers": headers()}),  # 302
        ("GET", f"{START}?locationId={DEMO_LOCATION}&userId={DEMO_USER}", {"headers": headers()}),  # query in path
        ("GET", START, {"params": QUERY, "headers": {"Version": "2021-07-28", "Authorization": "Bearer x.y.z"}}),
        ("GET", START, {"params": {"locationId": DEMO_LOCATION}, "headers": headers()}),  # 422
        ("GET", START, {"params": QUERY}),  # no Version, no token
        ("GET", f"{START}/", {"params": QUERY, "headers": headers()}),  # NestJS 404
        ("GET", "/social-media-posting/oauth/tiktok%2Dbusiness/start", {"params": QUERY, "headers": headers()}),
        ("GET", f"/social-media-posting/{DEMO_LOCATION}/accounts", {"headers": headers()}),
        ("DELETE", f"/social-media-posting/{DEMO_LOCATION}/accounts/nope", {"headers": headers()}),
        ("POST", "/__mock/tokens", {"json": {"locationId": "loc-1", "expiresIn": 60}}),
        ("POST", "/__mock/tokens", {"content": b'{"locationId": ', "headers": {"Content-Type": "application/json"}}),
        ("GET", "/__mock/health", {}),
        ("GET", f"http://ghl-mock.test{START}", {"params": QUERY, "headers": headers()}),  # an absolute URL
        ("GET", f"{START}#fragment", {"params": QUERY, "headers": headers()}),
        ("GET", START, {"params": {**QUERY, "reconnect": True}, "headers": headers()}),  # httpx writes "true"
        ("GET", START, {"params": {"locationId": [DEMO_LOCATION, "other"], "userId": DEMO_USER}, "headers": headers()}),
        ("POST", f"/social-media-posting/oauth/{DEMO_LOCATION}/tiktok-business/accounts/nope", {"headers": headers()}),
        (
            "POST",
            f"/social-media-posting/oauth/{DEMO_LOCATION}/tiktok-business/accounts/nope",
            {"json": {"originId": "é" * 40_000}, "headers": headers()},  # UTF-8 like httpx: under the size limit
        ),
    ],
)
def test_call_answers_what_the_client_gets(method: str, path: str, kw: dict[str, Any]) -> None:
    direct, client = both(lambda mock: request(mock, method, path, **kw))
    if path == "/__mock/tokens" and direct[0] == 201:  # minted tokens differ in their iat/exp only
        assert set(json.loads(direct[2])) == set(json.loads(client[2]))
        direct, client = direct[:2], client[:2]
    assert without_state(direct) == without_state(client)


def test_params_are_appended_to_a_query_in_the_path() -> None:
    """Unlike httpx's client, which replaces the path's query with ``params``."""
    mock = GhlMock.in_process()
    answer = mock.call("GET", f"{START}?locationId={DEMO_LOCATION}", params={"userId": DEMO_USER}, headers=headers())
    assert answer.status_code == 302, answer.text
    assert mock.journal[0].query == f"locationId={DEMO_LOCATION}&userId={DEMO_USER}"
    mock.close()


@pytest.mark.parametrize("content", [{"name": "é ✓ \u2028"}, [1, 2.5, None, True], {"nested": {"a": []}}, "text"])
def test_a_json_body_is_the_bytes_httpx_sends(content: Any) -> None:
    assert json_body(content) == httpx.Request("POST", "http://x", json=content).content


def test_a_nan_json_body_is_refused_like_httpx() -> None:
    with pytest.raises(ValueError):
        httpx.Request("POST", "http://x", json={"n": float("nan")})
    mock = GhlMock.in_process()
    with pytest.raises(ValueError):
        mock.call("POST", "/__mock/tokens", json={"n": float("nan")})
    mock.close()


def test_a_remote_answer_matches_header_names_in_any_case() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers=[(b"Location", b"http://x/consent"), (b"Content-Type", b"text/plain")])

    client = httpx.Client(transport=httpx.MockTransport(server), base_url="http://elsewhere.test")
    mock = GhlMock(_RemoteBackend("http://elsewhere.test", client), client, "secret")
    answer = mock.call("GET", START)
    assert answer.headers["location"] == answer.headers["Location"] == "http://x/consent"
    mock.close()


def test_call_is_journalled_like_the_client_with_its_headers_and_session() -> None:
    def flow(mock: GhlMock) -> list[tuple[Any, ...]]:
        mock.client.headers[SESSION_HEADER] = "s-1"  # a tag set on the client goes with call too
        request(mock, "GET", START, params=QUERY, headers=headers())
        request(mock, "GET", START, params=QUERY, headers={"Version": "2021-07-28", "Authorization": "Bearer a.b"})
        return [(e.method, e.path, e.query, e.status, e.session, e.authorization, e.rule) for e in mock.journal]

    direct, client = both(flow)
    assert direct == client
    assert [entry[4] for entry in direct] == ["s-1", "s-1"]


def test_a_call_flow_connects_and_the_consent_state_verifies() -> None:
    mock = GhlMock.in_process()
    start = mock.call("GET", START, params=QUERY, headers=headers())
    assert start.status_code == 302
    consent = start.headers["Location"]  # case-insensitive, like httpx's
    assert consent.startswith("http://ghl-mock.test/")
    finish = consent.removeprefix("http://ghl-mock.test").replace("/consent?", "/finish?")
    answer = mock.call("GET", finish, params={"decision": "approve"}, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    account_id = answer.json()["payload"]["accountId"]
    assert len(account_id) == 24 and int(account_id, 16) >= 0
    again = mock.call("GET", finish, params={"decision": "approve"}, headers={"Accept": "application/json"})
    assert again.status_code == 400  # the state was used: the same rule as through the client
    assert mock.journal[0].rule is not None
    mock.close()


def test_call_works_from_inside_a_running_loop() -> None:
    mock = GhlMock.in_process()

    async def inside() -> Answer:
        return mock.call("GET", START, params=QUERY, headers=headers())

    assert asyncio.run(inside()).status_code == 302
    mock.close()


def test_call_on_a_live_server_goes_through_the_client_and_means_the_same() -> None:
    settings = Settings()
    from ghl_mock.app import create_app

    app = create_app(settings)
    with LiveServer(app) as server:
        mock = GhlMock.live(server, app, settings)
        answer = mock.call("GET", START, params=QUERY, headers=headers(mint()))
        assert answer.status_code == 302 and answer.headers["location"].startswith(server.url)
        assert mock.call("GET", "/__mock/health").json()["status"] == "ok"
        # params appended to the path's query, as in-process (httpx alone would replace it)
        appended = mock.call(
            "GET", f"{START}?locationId={DEMO_LOCATION}", params={"userId": DEMO_USER}, headers=headers()
        )
        assert appended.status_code == 302, appended.text
        token = mock.call("POST", "/__mock/tokens", json={"locationId": "é-loc"})
        assert token.status_code == 201, token.text
        mock.close()


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("ghl-mock.test", ("ghl-mock.test", 80)),
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("[::1]:9", ("::1", 9)),
        ("[::1]", ("::1", 80)),
    ],
)
def test_the_scope_server_comes_from_the_host(host: str, expected: tuple[str, int]) -> None:
    assert _server(host, "http") == expected

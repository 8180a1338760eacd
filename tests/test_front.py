"""The front layer's shortcuts (issue #13) answer exactly as the slow paths they replace."""

from __future__ import annotations

import asyncio
import io
import json
import time

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.responses import JSONResponse
from starlette.routing import Match, Route

from ghl_mock import access_log as access_log_module
from ghl_mock.access_log import AccessLog
from ghl_mock.errors import ApiError, JSONAnswer, json_bytes, render_api_error
from ghl_mock.fixtures import load_fixtures
from ghl_mock.masking import masked_query_of
from ghl_mock.operations import PREFIX
from ghl_mock.platforms import PLATFORMS
from ghl_mock.routes import oauth
from ghl_mock.rules import TOKEN_INVALID_JWT, VERSION_UNKNOWN
from ghl_mock.settings import DEFAULT_SECRET, Settings
from ghl_mock.tokens import MAX_CACHED_TOKEN, TokenVerifier, mint_token

SEGMENTS = [
    "oauth", "start", "accounts", "locations", "demo-location", "acc1", "", "x",
    *PLATFORMS, *(p.accounts_segment for p in PLATFORMS.values()),
]  # fmt: skip


def router_choice(method: str, path: str) -> object:
    """The endpoint Starlette's router dispatches the request to among the API routes, or None."""
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
    for route in oauth.routes:
        assert isinstance(route, Route)
        found, child = route.matches(scope)
        if found is Match.FULL:
            if not route.endpoint.__qualname__.startswith("_dispatch"):
                return route.endpoint  # a row's own route, or the docs' missing path
            # A shared pattern: the row its dispatcher looks up (None: it answers 404).
            params = child["path_params"]
            template = oauth._start(params) if "segment" not in params else oauth._per_account(params)
            return oauth._ENDPOINTS.get(("GET" if method == "HEAD" else method, template))
    return None


@settings(max_examples=400, deadline=None)
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "DELETE", "PUT"]),
    segments=st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6),
)
def test_the_fast_match_picks_the_row_the_router_would(method: str, segments: list[str]) -> None:
    path = PREFIX + "/" + "/".join(segments)
    found = oauth.match({"method": method, "path": path, "root_path": ""})
    if found is not None:  # the fast path decides only when it names a row; else the router runs
        assert found[0] is router_choice(method, path), path
        assert all(value and "/" not in value for value in found[1].values())


def test_the_fast_match_finds_every_row_with_its_parameters() -> None:
    for (method, template), run in oauth._ENDPOINTS.items():
        path = template.replace("{locationId}", "loc-1").replace("{accountId}", "acc-1").replace("{id}", "id-1")
        found = oauth.match({"method": method, "path": path, "root_path": ""})
        assert found is not None and found[0] is run, template
        values = {"locationId": "loc-1", "accountId": "acc-1", "id": "id-1"}
        assert found[1] == {name: value for name, value in values.items() if "{" + name + "}" in template}
    assert oauth.match({"method": "GET", "path": f"{PREFIX}/oauth/tiktok-business/start/", "root_path": ""}) is None


def test_a_rendered_error_is_byte_for_byte_a_json_response() -> None:
    for error in (
        ApiError(TOKEN_INVALID_JWT, "why"),
        ApiError(VERSION_UNKNOWN, "why", value="2020-01-01"),
        ApiError(TOKEN_INVALID_JWT, "why", messages=["a", "ü"]),
    ):
        for _ in range(2):  # the second comes from the cache of rendered bodies
            ours = render_api_error(error)
            theirs = JSONResponse(error.body(), status_code=error.rule.status, headers=dict(ours.headers.items()[:2]))
            assert ours.body == theirs.body
            assert ours.raw_headers == theirs.raw_headers
            assert json.loads(bytes(ours.body)) == error.body()
    assert isinstance(ours, JSONAnswer) and json_bytes({"a": 1}) == b'{"a":1}'


def verifier() -> TokenVerifier:
    return TokenVerifier(DEFAULT_SECRET, load_fixtures(Settings().fixtures))


def refusal(v: TokenVerifier, token: str) -> str:
    try:
        v.resolve(token)
    except ApiError as error:
        return error.reason
    raise AssertionError("the token was accepted")


def test_a_refused_token_is_refused_again_with_the_same_reason_without_a_decode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    v = verifier()
    forged = mint_token(
        "another-secret-of-at-least-thirty-two-bytes", auth_class="Location", auth_class_id="l", scopes=[]
    )
    reasons = {token: refusal(v, token) for token in ("not.a.jwt", forged)}
    assert "bad signature" in reasons[forged]

    def no_decode(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded again")

    monkeypatch.setattr(jwt, "decode", no_decode)
    assert {token: refusal(v, token) for token in reasons} == reasons
    v.clear()  # a reset forgets the verdicts
    with pytest.raises(AssertionError, match="decoded again"):
        v.resolve(forged)


def test_refusals_on_the_clock_and_oversized_tokens_are_never_remembered() -> None:
    v = verifier()
    expired = mint_token(DEFAULT_SECRET, auth_class="Location", auth_class_id="l", scopes=[], expires_in=-10)
    early = mint_token(DEFAULT_SECRET, auth_class="Location", auth_class_id="l", scopes=[], now=time.time() + 3600)
    huge = "x" * (MAX_CACHED_TOKEN + 1)
    assert refusal(v, expired) == "token expired"
    assert "not yet valid" in refusal(v, early)
    refusal(v, huge)
    assert v.cached()["refused"] == 0 and v.cached()["verified"] == 0


def test_the_access_log_writes_masked_lines_in_batches() -> None:
    stream = io.StringIO()
    log = AccessLog(stream)
    scope = {
        "method": "GET",
        "path": "/__mock/oauth/x/consent",
        "raw_path": b"/__mock/oauth/x/consent",
        "query_string": b"state=eyJhbGciOiJIUzI1NiJ9.payload.signature-long",
        "client": ("127.0.0.1", 5000),
        "http_version": "1.1",
    }

    async def scenario() -> None:
        log.line(scope, 200, masked_query_of(scope))
        assert stream.getvalue() == ""  # not yet: batched
        await asyncio.sleep(access_log_module.FLUSH_SECONDS * 3)

    asyncio.run(scenario())
    line = stream.getvalue()
    assert line.endswith(' 127.0.0.1:5000 "GET /__mock/oauth/x/consent?state=eyJhbG…long HTTP/1.1" 200 OK\n')
    assert "signature-long" not in line
    before = len(stream.getvalue())

    async def many() -> None:
        for _ in range(access_log_module.FLUSH_BYTES // 100 + 10):
            log.line(scope, 404, masked_query_of(scope))
        assert len(stream.getvalue()) > before  # a full batch goes out at once
        log.flush()  # what shutdown does

    asyncio.run(many())
    assert stream.getvalue().endswith("404 Not Found\n")


def test_a_signed_token_with_wrong_claims_is_decided_afresh() -> None:
    v = verifier()
    wrong = jwt.encode({"authClass": "Nobody", "iat": int(time.time()), "exp": int(time.time()) + 60}, DEFAULT_SECRET)
    assert "authClass" in refusal(v, wrong)
    assert v.cached()["refused"] == 0  # once past its exp the same token must say "expired"


def test_a_bug_while_an_answer_is_sent_is_recorded_for_the_teardown(monkeypatch: pytest.MonkeyPatch) -> None:
    from starlette.responses import Response
    from starlette.testclient import TestClient

    from ghl_mock import handlers
    from ghl_mock.app import create_app

    class Broken(Response):
        async def __call__(self, scope: object, receive: object, send: object) -> None:
            raise RuntimeError("broken response class")

    async def start(call: object) -> Response:
        return Broken()

    monkeypatch.setitem(handlers.HANDLERS, "start", start)
    app = create_app(Settings())
    token = mint_token(
        DEFAULT_SECRET, auth_class="Location", auth_class_id="demo-location", scopes=["socialplanner/oauth.readonly"]
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        client.get(
            f"{PREFIX}/oauth/tiktok-business/start",
            params={"locationId": "demo-location", "userId": "u"},
            headers={"Version": "2021-07-28", "Authorization": f"Bearer {token}"},
        )
    assert any("broken response class" in e for e in app.state.ctx.state.take_errors())

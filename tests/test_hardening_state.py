"""Issue #12: every store bounded in bytes as well as count, a reset that clears caches and fences
requests still in flight, used consent states kept until they expire, scenario positions never
silently forgotten, and a scripted delay that ends when its client goes away."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from ghl_mock import state as state_module
from ghl_mock import tokens
from ghl_mock.app import create_app
from ghl_mock.context import MockContext
from ghl_mock.errors import ApiError
from ghl_mock.live import LiveServer
from ghl_mock.platforms import PLATFORMS, SOCIAL_PLANNER_SCOPES
from ghl_mock.scenarios import engine as engine_module
from ghl_mock.settings import Settings
from tests.conftest import START, finish_message, headers, mint, scenario_dir, start_flow, tampered

LOOPBACK = ("127.0.0.1", 50000)
QUERY = {"locationId": "demo-location", "userId": "demo-user"}


def ctx_of(app: Starlette) -> MockContext:
    ctx = app.state.ctx
    assert isinstance(ctx, MockContext)
    return ctx


def test_a_reset_empties_the_token_caches() -> None:
    app = create_app(Settings())
    with TestClient(app, client=LOOPBACK) as client:
        for token in (mint(), "not-a-jwt"):
            client.get(START, params=QUERY, headers=headers(token), follow_redirects=False)
        assert ctx_of(app).verifier.cached()["verified"] == 1
        assert ctx_of(app).verifier.cached()["refused"] == 1
        client.post("/__mock/reset")
        assert ctx_of(app).verifier.cached() == {"verified": 0, "refused": 0, "bytes": 0}


def test_the_token_caches_are_bounded_in_bytes() -> None:
    app = create_app(Settings())
    verifier = ctx_of(app).verifier
    # Tokens just under the cacheable length: 1,200 of them are over 4 MB of text.
    scopes = [*SOCIAL_PLANNER_SCOPES, "x" * 2400]
    minted = [mint(f"loc-{i}", scopes=scopes) for i in range(1200)]
    assert all(3000 < len(t) <= tokens.MAX_CACHED_TOKEN for t in minted)
    for token in minted:
        verifier.resolve(token)
        with pytest.raises(ApiError, match="bad signature"):  # remembered as refused
            verifier.resolve(tampered(token))
    cached = verifier.cached()
    assert cached["bytes"] <= 2 * tokens.TOKEN_CACHE_BYTES, cached  # each cache holds at most that
    assert 0 < cached["verified"] < 1200 and 0 < cached["refused"] < 1200, cached
    assert verifier.resolve(minted[-1]).auth_class_id == "loc-1199"  # still answers right


def test_grants_and_accounts_are_bounded_in_bytes() -> None:
    app = create_app(Settings())
    state = ctx_of(app).state
    items = ctx_of(app).fixtures.items_for("demo-location", "tiktok-business")
    long_user = "u" * 30_000
    for _ in range(600):  # 18 MB of userIds
        grant = state.add_grant("tiktok-business", "demo-location", long_user, items)
    sizes = state.sizes()
    assert sizes["grantBytes"] <= state_module.GRANT_BYTES, sizes
    assert sizes["grants"] < 600
    assert state.grant(grant.account_id) is not None  # the newest is kept
    long_location = "l" * 30_000
    connects = PLATFORMS["tiktok-business"].connects_on_consent
    assert connects is not None
    for _ in range(600):
        grant = state.add_grant("tiktok-business", long_location, "u", items)
        state.connect(grant, connects(items[0]))
    sizes = state.sizes()
    assert sizes["accountBytes"] <= state_module.ACCOUNT_BYTES, sizes
    assert 0 < sizes["accounts"] < 600


def test_a_used_state_stays_used_after_many_newer_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only MAX_USED_STATES are remembered; a forgotten one is still refused (the watermark)."""
    monkeypatch.setattr(state_module, "MAX_USED_STATES", 5)
    with TestClient(create_app(Settings()), client=LOOPBACK, follow_redirects=False) as client:
        first = start_flow(client)
        finish_message(client, first, "approve")
        for _ in range(8):
            finish_message(client, start_flow(client), "approve")
        again = client.get(first.replace("/consent?", "/finish?") + "&decision=approve")
        assert again.status_code == 400, again.text
        assert "older than the last 5 completed ones" in again.text
        # A flow started now still completes.
        assert finish_message(client, start_flow(client), "approve")["payload"]["accountId"]


def test_used_states_are_forgotten_once_their_state_expired() -> None:
    state = state_module.MockState()
    now = time.time()
    assert state.use_state("a", now + 1, now=now) is None
    assert state.use_state("a", now + 1, now=now) is not None  # replayed
    assert state.use_state("b", now + 100, now=now + 2) is None
    assert state.sizes()["usedStates"] == 1  # "a" expired: its signature refuses it from now on


def test_a_full_session_table_refuses_new_sessions_and_forgets_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "MAX_CURSORS", 3)
    directory = scenario_dir(
        tmp_path,
        {"once": "description: one 503\nsteps:\n  - match: {endpoint: start}\n    gateway: 503\n"},
    )
    with TestClient(create_app(Settings(scenarios_dir=directory, scenarios=["once"])), client=LOOPBACK) as client:

        def start(session: str) -> httpx.Response:
            response: httpx.Response = client.get(
                START, params=QUERY, headers={**headers(), "X-Mock-Session": session}, follow_redirects=False
            )
            return response

        assert start("a").status_code == 503
        assert start("a").status_code == 302  # exhausted: falls through
        assert start("b").status_code == 503
        assert start("c").status_code == 503
        refused = start("d")
        assert refused.status_code == 400, refused.text
        assert "at most 3 sessions" in refused.json()["message"]
        assert "POST /__mock/reset" in refused.json()["message"]
        assert start("a").status_code == 302  # not forgotten: no second 503
        client.post("/__mock/reset")
        assert start("d").status_code == 503


def test_a_reset_keeps_a_request_in_flight_out_of_the_next_journal(tmp_path: Path) -> None:
    directory = scenario_dir(
        tmp_path,
        {"slow": "description: slow\nsteps:\n  - match: {endpoint: start}\n    delay: {fixed_ms: 400}\n"},
    )
    app = create_app(Settings(scenarios_dir=directory, scenarios=["slow"]))

    async def run() -> list[dict[str, object]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            slow = asyncio.create_task(client.get(START, params=QUERY, headers=headers()))
            await asyncio.sleep(0.1)
            await client.post("/__mock/reset")  # the next test begins
            fresh = await client.get(START, params=QUERY, headers=headers(), follow_redirects=False)
            assert fresh.status_code == 302
            assert (await slow).status_code == 302  # it still gets its answer
            entries: list[dict[str, object]] = (await client.get("/__mock/journal")).json()["entries"]
            return entries

    entries = asyncio.run(run())
    assert [(e["id"], e["status"]) for e in entries] == [(1, 302)], entries


def test_a_scripted_delay_ends_when_the_client_disconnects(tmp_path: Path) -> None:
    directory = scenario_dir(
        tmp_path,
        {"slow": "description: slow\nsteps:\n  - match: {endpoint: start}\n    delay: {fixed_ms: 5000}\n"},
    )
    with LiveServer(create_app(Settings(scenarios_dir=directory, scenarios=["slow"]))) as server:
        host, port = httpx.URL(server.url).host, httpx.URL(server.url).port
        assert port is not None
        request = (
            f"GET {START}?locationId=demo-location&userId=demo-user HTTP/1.1\r\nHost: {host}\r\n"
            f"Version: 2021-07-28\r\nAuthorization: Bearer {mint()}\r\n\r\n"
        )
        with socket.create_connection((host, port), timeout=5) as conn:
            conn.sendall(request.encode())
            time.sleep(0.3)
        gone = time.monotonic()
        entries: list[dict[str, object]] = []
        while time.monotonic() - gone < 3 and not entries:
            time.sleep(0.05)
            entries = httpx.get(f"{server.url}/__mock/journal").json()["entries"]
        assert entries, "the delayed request was still running 3 s after its client left"
        (entry,) = entries
        assert entry["status"] is None
        assert entry["reason"] == "the client disconnected during the scripted delay"
        assert isinstance(entry["durationMs"], float) and entry["durationMs"] < 2000


def test_the_token_cache_budget_counts_a_principals_scopes_not_only_the_token() -> None:
    """3,000 ~3.8 kB JWTs of 530 two-letter scopes each held 33 MB against a '2 MiB' budget of
    token text: each cached principal's scopes are objects too."""
    app = create_app(Settings())
    verifier = ctx_of(app).verifier
    scopes = [
        *SOCIAL_PLANNER_SCOPES,
        *(f"{a}{b}" for a in "abcdefghijklmnopqrstuvw" for b in "abcdefghijklmnopqrstuvw"),
    ]
    scopes = scopes[:530]
    for i in range(600):
        verifier.resolve(mint(f"l{i}", scopes=scopes))
    cached = verifier.cached()
    assert cached["verified"] < 100, cached  # ~35 kB each: about 60 fit in 2 MiB, not 544
    assert cached["bytes"] <= tokens.TOKEN_CACHE_BYTES

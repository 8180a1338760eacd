"""HighLevel's official Python SDK (``gohighlevel-api-client`` 3.0.0), unchanged, against a live mock.

The SDK sends ``Version: v3`` on every call, so this is the v3 generic routes end to end as its
users call them: ``start_oauth`` (which cannot read the 302: it raises ``json.JSONDecodeError``, see
the README), then the consent (done here as the popup would), ``get_oauth_accounts`` with and
without ``search``, ``attach_oauth_accounts``, ``get_account`` and ``delete_account``, and the
SDK's ``GHLError`` for the mock's documented errors. Every answer is also contract-checked.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from highlevel import HighLevel
from highlevel.error import GHLError

from ghl_mock.app import create_app
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings
from ghl_mock.testing import GhlMock
from tests.conftest import DEMO_LOCATION, DEMO_USER, PIT_FULL, check_contract


@pytest.fixture(scope="module")
def mock() -> Iterator[GhlMock]:
    settings = Settings()
    app = create_app(settings)
    with LiveServer(app) as server:
        live = GhlMock.live(server, app, settings)
        yield live
        live.close()


def sdk(mock: GhlMock) -> HighLevel:
    """The SDK as its README builds it, pointed at the mock the only way it allows (``BASE_URL``)."""

    class AtTheMock(HighLevel):  # type: ignore[misc]  # the SDK ships no type information
        BASE_URL = mock.url

    ghl = AtTheMock(private_integration_token=PIT_FULL)

    async def check(response: httpx.Response) -> None:  # every answer the SDK reads, against the v3 spec
        await response.aread()
        check_contract(response)

    ghl.http_client.event_hooks["response"].insert(0, check)
    return ghl


def run(mock: GhlMock, calls: Any) -> Any:
    async def go() -> Any:
        ghl = sdk(mock)
        try:
            return await calls(ghl.social_planner)
        finally:
            await ghl.close()

    return asyncio.run(go())


def consent(mock: GhlMock, platform: str) -> str:
    """What the popup does after start: approve; returns the message's accountId."""
    connection = mock.connect(platform=platform, version="v3", token=PIT_FULL)
    assert connection.account_id
    return connection.account_id


FIRST = {
    "facebook": "pages",
    "instagram": "accounts",
    "youtube": "profile",
    "pinterest": "profile",
    "threads": "profile",
}
BODIES = {
    "facebook": lambda it: {"type": "page", "originId": it["id"], "name": it["name"], "avatar": it["avatar"]},
    "instagram": lambda it: {"originId": it["id"], "name": it["name"], "avatar": it["avatar"], "pageId": it["pageId"]},
    "youtube": lambda it: {"type": "profile", "originId": it["id"], "name": it["name"], "avatar": it["avatar"]},
    "pinterest": lambda it: {"type": "profile", "originId": it["id"], "name": it["name"], "avatar": it["avatar"]},
    "threads": lambda it: {"type": "profile", "originId": it["id"], "name": it["name"], "avatar": it["avatar"]},
}


def test_start_oauth_cannot_read_the_redirect(mock: GhlMock) -> None:
    """The SDK calls ``response.json()`` on the 302 ("Found. Redirecting to …"): a JSONDecodeError."""
    mock.reset()
    with pytest.raises(json.JSONDecodeError):
        run(mock, lambda sp: sp.start_oauth("facebook", DEMO_LOCATION, DEMO_USER))
    entry = mock.journal[0]  # newest first
    assert (entry.method, entry.path, entry.status) == ("GET", "/social-media-posting/oauth/facebook/start", 302)
    assert entry.version == "v3"  # the SDK's locked Version


@pytest.mark.parametrize("platform", list(BODIES))
def test_get_attach_list_delete_through_the_sdk(mock: GhlMock, platform: str) -> None:
    mock.reset()
    account_id = consent(mock, platform)

    async def calls(sp: Any) -> dict[str, Any]:
        got = await sp.get_oauth_accounts(DEMO_LOCATION, platform, account_id)
        items = got["results"][FIRST[platform]]
        name = items[-1]["name"]
        found = await sp.get_oauth_accounts(DEMO_LOCATION, platform, account_id, search=name.upper())
        nothing = await sp.get_oauth_accounts(DEMO_LOCATION, platform, account_id, search="no such name")
        attached = await sp.attach_oauth_accounts(DEMO_LOCATION, platform, account_id, BODIES[platform](items[0]))
        listed = await sp.get_account(DEMO_LOCATION)
        mine = [a for a in listed["results"]["accounts"] if a["oauthId"] == account_id]
        deleted = await sp.delete_account(DEMO_LOCATION, mine[0]["id"], user_id=DEMO_USER)
        after = await sp.get_account(DEMO_LOCATION)
        return {
            "got": got, "items": items, "found": found, "nothing": nothing, "attached": attached,
            "mine": mine, "deleted": deleted, "after": after,
        }  # fmt: skip

    out = run(mock, calls)
    assert out["got"]["success"] is True and out["items"]
    assert all(item["isConnected"] is False for item in out["items"])
    assert [i["name"] for i in out["found"]["results"][FIRST[platform]]] == [
        i["name"] for i in out["items"] if out["items"][-1]["name"].lower() in i["name"].lower()
    ]
    assert out["nothing"]["results"][FIRST[platform]] == []
    attached = out["attached"]
    assert (attached["statusCode"], attached["platform"], attached["results"]["originId"]) == (
        201,
        platform,
        out["items"][0]["id"],
    )
    assert [(a["platform"], a["profileId"]) for a in out["mine"]] == [(platform, out["items"][0]["id"])]
    assert out["deleted"] == {
        "success": True,
        "statusCode": 200,
        "message": "Deleted Account",
        "results": {"locationId": DEMO_LOCATION, "id": out["mine"][0]["id"]},
    }
    assert out["after"]["results"]["accounts"] == []
    assert {e.version for e in mock.journal if e.path.startswith("/social-media-posting/")} == {"v3"}


def test_the_mocks_errors_reach_the_sdk_as_ghlerror(mock: GhlMock) -> None:
    mock.reset()
    with pytest.raises(GHLError) as unknown:
        run(mock, lambda sp: sp.get_oauth_accounts(DEMO_LOCATION, "youtube", "a" * 24))
    assert (unknown.value.status_code, unknown.value.message) == (400, "OAuth account not found")
    account_id = consent(mock, "facebook")
    with pytest.raises(GHLError) as invalid:
        run(mock, lambda sp: sp.attach_oauth_accounts(DEMO_LOCATION, "facebook", account_id, {"originId": "x"}))
    assert invalid.value.status_code == 422
    assert "type should not be empty" in invalid.value.message  # the SDK joins the 422 array with ", "
    with pytest.raises(GHLError) as bluesky:
        run(mock, lambda sp: sp.get_oauth_accounts(DEMO_LOCATION, "bluesky", "a" * 24))
    assert (bluesky.value.status_code, bluesky.value.message) == (400, "Bluesky is currently not supported")
    with pytest.raises(GHLError) as other:
        run(mock, lambda sp: sp.get_account("demo-location-2"))
    assert (other.value.status_code, other.value.message) == (401, "This location is not accessible from this token!")

"""Every Social Planner network end to end in headless Chromium, through the example client.

For each platform of ``ghl_mock.platforms.PLATFORMS`` (twitter through a second stack served
with ``legacy_platforms=["twitter"]``; without it, the client shows the retirement error): the
client page, on its own origin, starts the flow, the consent page names the network and labels its
approve button as the network does, the click posts the exact message to the opener, and the page
then calls get-accounts, attach (201; tiktok-business has none: its consent connects it), the
location's accounts list (the account is there, ``oauthId`` == the message's ``accountId``) and
delete (it is gone). Every HighLevel-API response the browser receives is contract-checked
(``checked_context``), and each test starts from a reset mock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, Response

from ghl_mock.platforms import PLATFORMS
from ghl_mock.settings import Settings
from tests.contract import contract
from tests.test_browser_flow import (
    ACCOUNT_ID,
    Stack,
    checked_context,
    expected_message,
    load_example_module,
    record,
    wait_closed,
)

LOCATION = "demo-location"
RETIRED = "As of December 4, 2024, X (formerly Twitter) is no longer supported"


@dataclass(frozen=True)
class Network:
    approve_label: str
    display_name: str
    accounts_message: str
    #: None: no attach step (the approved consent connects the account).
    attach_message: str | None


#: What each network's consent page and answers say (HighLevel's spec examples, the networks' words).
NETWORKS = {
    "google": Network(
        "Allow", "Google Business Profile", "Fetched Google Business Account", "Added Google Business Account"
    ),
    "facebook": Network("Continue", "Facebook", "Fetched Facebook Account", "Added Facebook Account"),
    "instagram": Network("Allow", "Instagram", "Fetched Instagram Account", "Added Instagram Account"),
    "linkedin": Network("Allow", "LinkedIn", "Fetched LinkedIn Account", "Added LinkedIn Account"),
    "twitter": Network("Authorize app", "X (Twitter)", "Fetched Twitter Account", "Added Twitter Account"),
    "tiktok": Network("Authorize", "TikTok", "Fetched Tiktok Account", "Added Tiktok Account"),
    "tiktok-business": Network("Authorize", "TikTok Business", "Fetched Tiktok Business Account", None),
    "youtube": Network("Allow", "YouTube", "Fetched YouTube Account", "Added YouTube Account"),
    "pinterest": Network("Give access", "Pinterest", "Fetched Pinterest Account", "Added Pinterest Account"),
    "threads": Network("Allow", "Threads", "Fetched Threads Account", "Added Threads Account"),
}

#: (platform, served in legacy mode, the Version the client sends). youtube, pinterest and threads
#: exist only under v3 (the client picks it for them); facebook and google also go through v3's
#: generic routes (google's path form changes from /locations/ to /accounts/).
V3_ONLY = [slug for slug, p in PLATFORMS.items() if p.default_api == "v3" and p.v3 and not p.v3.unsupported]
CASES = [pytest.param(slug, False, "2021-07-28", id=slug) for slug in PLATFORMS if PLATFORMS[slug].has("start")]
CASES = [c for c in CASES if c.values[0] != "twitter"]
CASES.append(pytest.param("twitter", True, "2021-07-28", id="twitter-legacy"))
CASES += [pytest.param(slug, False, "v3", id=f"{slug}-v3") for slug in (*V3_ONLY, "facebook", "google")]
BUTTONS = [pytest.param("#connect-server", id="server-side-302"), pytest.param("#connect-direct", id="window-open")]


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    s = Stack(Settings())
    yield s
    s.close()


@pytest.fixture(scope="module")
def legacy_stack() -> Iterator[Stack]:
    """twitter served as before its retirement."""
    s = Stack(Settings(legacy_platforms=["twitter"]))
    yield s
    s.close()


@dataclass
class Client:
    page: Page
    #: (method, path, JSON body or None) of every HighLevel-API request the browser made (popup included).
    requests: list[tuple[str, str, Any]]
    #: (method, path, status) of every HighLevel-API response it received.
    responses: list[tuple[str, str, int]]
    #: The Version header of every API call that sent one (the popup's navigation sends none).
    versions: list[str]


@contextmanager
def client_page(browser: Browser, stack: Stack, query: str = "") -> Iterator[Client]:
    """The example client in a contract-checked context, against a freshly reset mock."""
    stack.app.state.ctx.state.reset()
    context = checked_context(browser)
    requests: list[tuple[str, str, Any]] = []
    responses: list[tuple[str, str, int]] = []
    versions: list[str] = []

    def api(url: str, method: str) -> str | None:
        path = urlsplit(url).path
        return path if path.startswith("/social-media-posting/") and method != "OPTIONS" else None

    def log_request(request: Request) -> None:
        if path := api(request.url, request.method):
            requests.append((request.method, path, request.post_data_json if request.post_data else None))
            if "version" in request.headers:
                versions.append(request.headers["version"])

    def log_response(response: Response) -> None:
        if path := api(response.url, response.request.method):
            responses.append((response.request.method, path, response.status))

    context.on("request", log_request)
    context.on("response", log_response)
    try:
        page = context.new_page()
        page.goto(stack.example_url + query)
        page.wait_for_function("window.ghlExample && window.ghlExample.ready")
        yield Client(page, requests, responses, versions)
    finally:
        context.close()  # raises if any response broke the contract


def wait_idle(page: Page, condition: str = "true") -> dict[str, Any]:
    page.wait_for_function(f"window.ghlExample.pending === 0 && ({condition})", timeout=10_000)
    return record(page)


def offered(slug: str, results: dict[str, Any]) -> list[dict[str, Any]]:
    """The items a get-accounts answer offers, where the platform's DTO puts them."""
    if slug == "google":
        return [results["locations"]] if results["locations"] else []
    if slug == "facebook":
        return list(results["pages"])
    if slug == "instagram":
        return list(results["accounts"])
    if slug == "linkedin":
        return [*results["pages"], *results["profile"]]
    return list(results["profile"])


def origin_of(slug: str, item: dict[str, Any]) -> str:
    return str(item["location"]["name"]).rsplit("/", 1)[-1] if slug == "google" else str(item["id"])


def label(slug: str, item: dict[str, Any]) -> str:
    if slug == "google":
        return f"{item['location']['title']} ({item['account']['accountName']})"
    username = f" (@{item['username']})" if item.get("username") else ""
    return str(item["name"]) + username + (" [verified]" if item.get("verified") else "")


def attach_body(slug: str, item: dict[str, Any], version: str = "2021-07-28") -> dict[str, Any]:
    if slug == "google":
        return {"location": item["location"], "account": item["account"]}
    body = {"originId": item["id"], "name": item["name"], "avatar": item["avatar"]}
    if version == "v3" and slug != "instagram":  # the v3 DTOs require the account type
        return {"type": "page" if slug == "facebook" else "profile", **body}
    return body


def approve_in_popup(client: Client, stack: Stack, slug: str, button: str) -> str:
    """Start from the client, check the consent page, approve; return the message's accountId."""
    page, network = client.page, NETWORKS[slug]
    with page.expect_popup() as popup_info:
        page.click(button)
    popup = popup_info.value
    popup.wait_for_selector("#authorize")
    url = urlsplit(popup.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{stack.mock_url}/__mock/oauth/{slug}/consent"
    assert popup.inner_text("#authorize") == network.approve_label
    assert popup.inner_text("#cancel") == "Cancel"
    assert popup.title() == f"Authorize HighLevel Social Planner · {network.display_name} (ghl-mock)"
    assert f"wants to access your {network.display_name} account" in popup.inner_text("main")
    popup.click("#authorize")
    wait_closed(page, popup)
    result = wait_idle(page, "window.ghlExample.accounts !== null")
    assert len(result["messages"]) == 1, result
    message = result["messages"][0]
    assert message["origin"] == stack.mock_url
    account_id = message["data"].get("accountId", "")
    assert isinstance(account_id, str) and ACCOUNT_ID.match(account_id), message
    assert message["data"] == expected_message(platform=slug, accountId=account_id)
    assert message["data"]["page"] == "social_media_posting"
    return account_id


@pytest.mark.parametrize("button", BUTTONS)
@pytest.mark.parametrize(("slug", "legacy", "version"), CASES)
def test_connect_attach_list_delete(
    browser: Browser, request: pytest.FixtureRequest, slug: str, legacy: bool, version: str, button: str
) -> None:
    stack: Stack = request.getfixturevalue("legacy_stack" if legacy else "stack")
    network = NETWORKS[slug]
    asked = "&version=v3" if version == "v3" and slug not in V3_ONLY else ""
    with client_page(browser, stack, f"/?platform={slug}{asked}") as client:
        page = client.page
        assert page.input_value("#platform") == slug
        assert page.inner_text("#title") == f"Connect {network.display_name}"
        account_id = approve_in_popup(client, stack, slug, button)
        result = record(page)
        assert (result["platform"], result["version"]) == (slug, version)
        assert client.versions and set(client.versions) == {version}, client.versions

        # get-accounts, shown
        segment = "locations" if slug == "google" and version != "v3" else "accounts"
        accounts_path = f"/social-media-posting/oauth/{LOCATION}/{slug}/{segment}/{account_id}"
        assert result["accountsStatus"] == 200
        got = result["accounts"]
        assert (got["success"], got["statusCode"], got["message"]) == (True, 200, network.accounts_message)
        items = offered(slug, got["results"])
        assert items, f"{slug}: the grant offers nothing to connect: {got}"
        assert page.locator("#profiles li").all_text_contents() == [label(slug, item) for item in items]

        # attach the first item (201), or nothing for tiktok-business
        list_path = f"/social-media-posting/{LOCATION}/accounts"
        start = [("GET", f"/social-media-posting/oauth/{slug}/start", None)] if button == "#connect-direct" else []
        if network.attach_message is None:
            assert all(item["isConnected"] is True for item in items)
            assert (result["attachBody"], result["attach"], result["attachStatus"]) == (None, None, None)
            assert client.requests == [*start, ("GET", accounts_path, None), ("GET", list_path, None)]
            connected = items
        else:
            assert all(item.get("isConnected", item.get("location", {}).get("isConnected")) is False for item in items)
            body = attach_body(slug, items[0], version)
            assert result["attachBody"] == body
            assert client.requests == [
                *start,
                ("GET", accounts_path, None),
                ("POST", accounts_path, body),
                ("GET", list_path, None),
            ]
            assert result["attachStatus"] == 201
            attached = result["attach"]
            assert (attached["success"], attached["statusCode"], attached["message"]) == (
                True,
                201,
                network.attach_message,
            )
            created = attached["results"]
            assert attached.get("platform") == (slug if version == "v3" else None)  # v3 answers name it
            assert ACCOUNT_ID.match(created["_id"]), created
            assert {k: created[k] for k in ("oAuthId", "locationId", "originId", "platform", "active", "deleted")} == {
                "oAuthId": account_id,
                "locationId": LOCATION,
                "originId": origin_of(slug, items[0]),
                "platform": slug,
                "active": True,
                "deleted": False,
            }
            connected = items[:1]
        statuses = [302] * len(start) + [200] + ([] if network.attach_message is None else [201]) + [200]
        assert client.responses == [(m, p, status) for (m, p, _), status in zip(client.requests, statuses, strict=True)]

        # the location's accounts list has it
        assert result["listStatus"] == 200
        assert len(result["lists"]) == 1
        listed = result["lists"][0]
        assert (listed["success"], listed["statusCode"], listed["message"]) == (True, 200, "Fetched Accounts")
        accounts = listed["results"]["accounts"]
        assert [(a["oauthId"], a["platform"], a["profileId"]) for a in accounts] == [
            (account_id, slug, origin_of(slug, item)) for item in connected
        ]
        assert all(a["id"] == f"{account_id}_{LOCATION}_{a['profileId']}" and not a["isExpired"] for a in accounts)
        if network.attach_message is not None:
            assert accounts[0]["name"] == result["attach"]["results"]["name"]
            assert result["events"][-1] == f"Connected: {accounts[0]['name']} (1 account(s) listed)."
        else:
            assert result["events"][-1] == f"Connected: {len(items)} profile(s)."
        rows = page.locator(f'#accounts li[data-oauth-id="{account_id}"]')
        assert rows.count() == len(accounts)
        assert [rows.nth(i).get_attribute("data-id") for i in range(rows.count())] == [a["id"] for a in accounts]

        # delete each, and the list no longer has it
        before = len(client.requests)
        for n, account in enumerate(accounts, start=1):
            page.click(f"#accounts li[data-id={json.dumps(account['id'])}] button.delete")
            result = wait_idle(page, f"window.ghlExample.deletes.length === {n}")
            assert result["deletes"][-1] == {
                "id": account["id"],
                "status": 200,
                "body": {
                    "success": True,
                    "statusCode": 200,
                    "message": "Deleted Account",
                    "results": {"locationId": LOCATION, "id": account["id"]},
                },
            }
            assert len(result["lists"]) == 1 + n
            remaining = result["lists"][-1]["results"]["accounts"]
            assert account["id"] not in [a["id"] for a in remaining]
            assert result["events"][-1] == f"Deleted {account['name']}; {len(remaining)} account(s) listed."
        assert [a for a in result["lists"][-1]["results"]["accounts"] if a["oauthId"] == account_id] == []
        assert page.locator("#accounts li").count() == 0
        assert client.requests[before:] == [
            step
            for account in accounts
            for step in (("DELETE", f"{list_path}/{quote(account['id'], safe='')}", None), ("GET", list_path, None))
        ]
    assert stack.app.state.ctx.state.accounts(LOCATION) == []


REFUSED = [
    pytest.param("twitter", "2021-07-28", RETIRED, id="twitter-retired"),
    pytest.param("bluesky", "v3", "Bluesky is currently not supported", id="bluesky-unsupported"),
]


@pytest.mark.parametrize(("slug", "version", "refusal"), REFUSED)
def test_a_refused_platform_shows_its_400(
    browser: Browser, stack: Stack, slug: str, version: str, refusal: str
) -> None:
    with client_page(browser, stack, f"/?platform={slug}") as client:
        page = client.page
        with page.expect_popup() as popup_info:
            page.click("#connect-server")
        popup = popup_info.value
        wait_idle(page, "window.ghlExample.startError !== null")
        expected = f"Start failed: 400 {refusal}"
        page.wait_for_function(f"document.getElementById('status').textContent === {json.dumps(expected)}")
        wait_closed(page, popup)  # the client closes the popup it opened for the redirect
        result = record(page)
        assert (result["platform"], result["version"]) == (slug, version)
        error = result["startError"]
        assert error == {
            "error": {"statusCode": 400, "message": refusal},
            "status": 400,
            "contentType": "application/json",
        }
        # The browser did not see this answer (the back end did): check the relayed body here.
        contract().check(
            "GET",
            f"/social-media-posting/oauth/{slug}/start",
            error["status"],
            {"content-type": error["contentType"]},
            json.dumps(error["error"]).encode(),
            version=version,
        )
        page.wait_for_timeout(1000)  # the popup.closed poll would have reported by now
        result = record(page)
        assert result["events"][-1] == expected
        assert result["messages"] == []
        assert result["accounts"] is None
        assert client.requests == []
    assert stack.app.state.ctx.state.accounts(LOCATION) == []


def test_twitter_without_legacy_mode_direct_popup_shows_the_400(browser: Browser, stack: Stack) -> None:
    """window.open of the start URL: the popup shows HighLevel's 400 (contract-checked); no message."""
    with client_page(browser, stack, "/?platform=twitter") as client:
        page = client.page
        with page.expect_popup() as popup_info:
            page.click("#connect-direct")
        popup = popup_info.value
        popup.wait_for_function(f"document.body && document.body.innerText.includes({json.dumps(RETIRED)})")
        assert json.loads(popup.inner_text("body")) == {"statusCode": 400, "message": RETIRED}
        assert client.responses == [("GET", "/social-media-posting/oauth/twitter/start", 400)]
        popup.close()
        page.wait_for_function("window.ghlExample.events.includes('Popup closed without a message.')", timeout=10_000)
        assert record(page)["messages"] == []
        assert client.requests == [("GET", "/social-media-posting/oauth/twitter/start", None)]


def test_the_client_offers_every_platform_and_defaults_to_tiktok_business(browser: Browser, stack: Stack) -> None:
    assert tuple(PLATFORMS) == load_example_module().PLATFORMS
    assert set(NETWORKS) | {"bluesky"} == set(PLATFORMS)  # bluesky: only its start error (below)
    for query in ("", "/?platform=myspace"):
        with client_page(browser, stack, query) as client:
            page = client.page
            values = page.eval_on_selector_all("#platform option", "options => options.map(o => o.value)")
            assert values == list(PLATFORMS)
            assert page.input_value("#platform") == "tiktok-business"
            assert page.inner_text("#title") == "Connect TikTok Business"
    with client_page(browser, stack) as client:
        page = client.page
        page.select_option("#platform", "facebook")  # the select, not the query, picks the network
        assert page.inner_text("#title") == "Connect Facebook"
        approve_in_popup(client, stack, "facebook", "#connect-server")
        assert record(page)["attachStatus"] == 201

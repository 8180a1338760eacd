"""The popup + postMessage flow end to end in headless Chromium, through the example client.

Two servers on loopback: ghl-mock and the example client (examples/popup-client), on different
ports, so the accounts fetch is a real cross-origin (CORS) request and the message's origin is
the mock's. Each test asserts the exact message the opener received and the accounts response.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Response

from ghl_mock.app import create_app
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings
from tests.conftest import BAKERY_PROFILES
from tests.contract import ContractViolation, contract

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_ID = re.compile(r"^[0-9a-f]{24}$")


def load_example_module() -> Any:
    spec = importlib.util.spec_from_file_location("popup_example", ROOT / "examples" / "popup-client" / "serve.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checked_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context whose every HighLevel-API response is checked against the official contract.

    Violations are collected and raised when the context closes, in the test that caused them.
    """
    context = browser.new_context(**options)
    violations: list[str] = []

    def check(response: Response) -> None:
        url = urlsplit(response.url)
        if not url.path.startswith("/social-media-posting/") or response.request.method == "OPTIONS":
            return
        body = b"" if 300 <= response.status < 400 else response.body()
        try:
            contract().check(
                response.request.method,
                url.path,
                response.status,
                response.headers,
                body,
                version=response.request.headers.get("version"),
            )
        except ContractViolation as exc:
            violations.append(str(exc))

    context.on("response", check)
    original_close = context.close

    def close(**kwargs: Any) -> None:
        original_close(**kwargs)
        assert not violations, violations

    context.close = close  # type: ignore[method-assign]
    return context


class Stack:
    """ghl-mock plus the example client, both live on 127.0.0.1."""

    def __init__(self, settings: Settings):
        self.app = create_app(settings)
        self.mock = LiveServer(self.app)
        self.mock_url = self.mock.start()
        self.example = LiveServer(load_example_module().create_example_app(self.mock_url))
        self.example_url = self.example.start()

    def close(self) -> None:
        self.example.stop()
        self.mock.stop()


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    s = Stack(Settings())
    yield s
    s.close()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    stack.app.state.ctx.state.reset()  # each test starts with no grants or connected accounts
    context = checked_context(browser)
    page = context.new_page()
    page.goto(stack.example_url)
    page.wait_for_function("window.ghlExample && window.ghlExample.ready")
    yield page
    context.close()


def record(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("window.ghlExample")
    return result


def expected_message(**overrides: Any) -> dict[str, Any]:
    message = {
        "actionType": "close",
        "page": "social_media_posting",
        "platform": "tiktok-business",
        "placement": "undefined",
        "refresh": "undefined",
        "source": "undefined",
    }
    message.update(overrides)
    return {k: v for k, v in message.items() if v is not None}


def run_flow(page: Page, button: str, decision: str | None) -> dict[str, Any]:
    """Click a connect button, act in the popup, wait for the example to finish."""
    with page.expect_popup() as popup_info:
        page.click(button)
    popup = popup_info.value
    if decision is not None:
        popup.wait_for_selector("#authorize")
        popup.click("#authorize" if decision == "approve" else "#cancel")
    wait_closed(page, popup)
    if decision in ("approve", None):  # None: the headless outcome approves without a click
        page.wait_for_function("window.ghlExample.accounts !== null", timeout=10_000)
    else:
        page.wait_for_function("window.ghlExample.messages.length > 0", timeout=10_000)
    return record(page)


def wait_closed(page: Page, popup: Page, timeout: float = 10.0) -> None:
    """Wait until the popup has closed itself (it may already have: no event to wait for then)."""
    deadline = time.monotonic() + timeout
    while not popup.is_closed():
        if time.monotonic() > deadline:
            raise AssertionError(f"the popup did not close within {timeout}s: {popup.url}")
        page.wait_for_timeout(50)  # lets Playwright process the close event


def assert_approved(result: dict[str, Any], stack: Stack, **payload: Any) -> None:
    assert len(result["messages"]) == 1
    message = result["messages"][0]
    assert message["origin"] == stack.mock_url
    account_id = message["data"].get("accountId", "")
    assert ACCOUNT_ID.match(account_id), message
    assert message["data"] == expected_message(accountId=account_id, **payload)
    assert result["accountsStatus"] == 200
    assert result["accounts"] == {
        "success": True,
        "statusCode": 200,
        "message": "Fetched Tiktok Business Account",
        "results": {"profile": BAKERY_PROFILES},
    }
    assert result["events"][-1] == "Connected: 2 profile(s)."


@pytest.mark.parametrize("button", ["#connect-server", "#connect-direct"], ids=["server-side-302", "window-open"])
def test_approve(page: Page, stack: Stack, button: str) -> None:
    assert_approved(run_flow(page, button, "approve"), stack)
    # The browser's own requests (a favicon for each page) do not show up as 404s in the journal.
    journal = stack.app.state.ctx.state.journal.entries()
    assert [(e.path, e.status) for e in journal if e.status == 404] == []
    assert page.locator("#profiles li").all_text_contents() == [
        "Demo Bakery (@demo_bakery) [verified]",
        "Demo Bakery Cakes (@demo_bakery_cakes)",
    ]


@pytest.mark.parametrize("button", ["#connect-server", "#connect-direct"], ids=["server-side-302", "window-open"])
def test_cancel(page: Page, stack: Stack, button: str) -> None:
    result = run_flow(page, button, "cancel")
    assert [m["data"] for m in result["messages"]] == [expected_message()]
    assert result["messages"][0]["origin"] == stack.mock_url
    assert result["accounts"] is None
    assert result["events"][-1] == "Cancelled by the user."


@pytest.mark.parametrize("button", ["#connect-server", "#connect-direct"], ids=["server-side-302", "window-open"])
def test_reconnect(page: Page, stack: Stack, button: str) -> None:
    page.check("#reconnect")
    result = run_flow(page, button, "approve")
    assert_approved(result, stack, reconnectAccounts=["658a9b6833b91e0ecb834acd", "658a9b6833b91e0ecb8f3511"])


def test_headless_outcome_needs_no_click(browser: Browser, stack: Stack) -> None:
    context = checked_context(browser)
    page = context.new_page()
    page.goto(f"{stack.example_url}/?consent=approve")
    page.wait_for_function("window.ghlExample && window.ghlExample.ready")
    assert_approved(run_flow(page, "#connect-server", None), stack)
    context.close()


def test_blocked_popup_is_reported_by_the_client(browser: Browser, stack: Stack) -> None:
    context = checked_context(browser)
    context.add_init_script("window.open = function () { return null; };")
    page = context.new_page()
    page.goto(stack.example_url)
    page.wait_for_function("window.ghlExample && window.ghlExample.ready")
    page.click("#connect-server")
    assert record(page)["events"] == ["Popup blocked: allow popups for this site and try again."]
    context.close()


def test_popup_closed_by_the_user_is_noticed_by_polling(page: Page) -> None:
    with page.expect_popup() as popup_info:
        page.click("#connect-server")
    popup = popup_info.value
    popup.wait_for_selector("#authorize")
    popup.close()
    page.wait_for_function("window.ghlExample.events.includes('Popup closed without a message.')", timeout=10_000)
    assert record(page)["messages"] == []


def consent_url_for(stack: Stack, **query: str) -> str:
    params = "&".join(
        f"{k}={quote(v, safe='')}" for k, v in {"locationId": "demo-location", "userId": "demo-user", **query}.items()
    )
    return f"{stack.mock_url}/social-media-posting/oauth/tiktok-business/start?{params}"


def test_without_an_opener_the_finish_page_shows_the_payload(browser: Browser, stack: Stack) -> None:
    """Opened in a tab (or with noopener, or after a popup blocker): nothing to post to, so say so."""
    context = checked_context(browser)
    page = context.new_page()
    page.goto(consent_url_for(stack))  # a top-level navigation without API headers: accepted
    page.click("#authorize")
    page.wait_for_selector("body[data-ghl-mock-posted='false']")
    assert "no window.opener" in page.inner_text("#status")
    shown = json.loads(page.inner_text("#payload"))
    assert shown == expected_message(accountId=shown["accountId"])
    assert ACCOUNT_ID.match(shown["accountId"])
    context.close()


def test_noopener_popup_posts_nothing(page: Page, stack: Stack) -> None:
    with page.expect_popup() as popup_info:
        page.evaluate("url => { window.open(url, '_blank', 'noopener'); }", consent_url_for(stack))
    popup = popup_info.value
    popup.click("#authorize")
    popup.wait_for_selector("body[data-ghl-mock-posted='false']")
    assert record(page)["messages"] == []


def test_tampered_state_gets_a_readable_400_page(browser: Browser, stack: Stack) -> None:
    context = checked_context(browser)
    page = context.new_page()
    page.goto(consent_url_for(stack))
    url = page.url
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    response = page.goto(tampered)
    assert response is not None and response.status == 400
    assert page.inner_text("h1") == "This authorization link is not valid"
    assert "tampered" in page.inner_text("#reason")
    context.close()


def test_strict_post_message_origin_reaches_only_that_origin(browser: Browser) -> None:
    stack = Stack(Settings(post_message_origin="http://127.0.0.1:1"))  # not the example's origin
    try:
        context = checked_context(browser)
        page = context.new_page()
        page.goto(stack.example_url)
        page.wait_for_function("window.ghlExample && window.ghlExample.ready")
        with page.expect_popup() as popup_info:
            page.click("#connect-server")
        popup = popup_info.value
        popup.click("#authorize")
        page.wait_for_function("window.ghlExample.events.includes('Popup closed without a message.')", timeout=10_000)
        assert record(page)["messages"] == []
        context.close()
    finally:
        stack.close()


XSS = [
    "<img src=x onerror=window.__xss=1>",
    "</script><script>window.__xss=1</script>",
    '"><svg onload=window.__xss=1>',
    "javascript:window.__xss=1",
    "'-alert(1)-'",
]


@pytest.mark.parametrize("param", ["locationId", "userId", "page", "reconnect"])
def test_reflected_parameters_never_execute(browser: Browser, stack: Stack, param: str) -> None:
    context = checked_context(browser)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    for payload in XSS:
        query = {param: payload}
        if param == "reconnect":
            query["page"] = payload
        page.goto(consent_url_for(stack, **query))
        assert page.evaluate("window.__xss") is None
        if param in ("locationId", "userId"):
            assert payload in page.inner_text(f"#{param.replace('Id', '-id').lower()}")
        if param in ("page", "reconnect"):  # reconnect's case also sends the payload as `page`
            assert page.inner_text("#page") == payload
        page.click("#authorize")
        page.wait_for_selector("body[data-ghl-mock-posted='false']")
        assert page.evaluate("window.__xss") is None
        shown = json.loads(page.inner_text("#payload"))
        if param == "page":
            assert shown["placement"] == payload
    assert dialogs == []
    context.close()


def test_consent_page_screenshot(browser: Browser, stack: Stack, tmp_path: Path) -> None:
    """Renders the consent page to PNG; GHL_MOCK_UPDATE_DOCS=1 refreshes docs/consent-page.png."""
    context = checked_context(browser, viewport={"width": 600, "height": 700})
    page = context.new_page()
    page.goto(consent_url_for(stack))
    target = ROOT / "docs" / "consent-page.png" if os.environ.get("GHL_MOCK_UPDATE_DOCS") else tmp_path / "c.png"
    page.screenshot(path=str(target), full_page=True)
    context.close()
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 600 and height >= 600

"""Hardening, second round (#12): what the browser pages tell a test about their 400s, and what the
journal leaves out."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.pages import TEMPLATES_DIR
from ghl_mock.settings import Settings
from tests.conftest import start_flow


def client() -> TestClient:
    return TestClient(create_app(Settings()), follow_redirects=False, client=("127.0.0.1", 50000))


def test_state_error_pages_say_their_rule_and_reason_in_headers_and_journal() -> None:
    with client() as c:
        consent = start_flow(c)
        tampered = c.get(consent + "x")
        finish = consent.replace("/consent?", "/finish?") + "&decision=approve"
        c.get(finish)
        used = c.get(finish)
        entries = c.get("/__mock/journal", params={"status": 400}).json()["entries"]
    for page, reason in ((tampered, "tampered"), (used, "already completed")):
        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
        assert page.headers["x-ghl-mock-rule"] == "state_invalid" and reason in page.headers["x-ghl-mock-reason"]
    assert [
        (e["rule"], reason in (e["reason"] or "")) for e, reason in zip(entries, ("already", "tampered"), strict=True)
    ] == [
        ("state_invalid", True),
        ("state_invalid", True),
    ]


def test_a_favicon_request_is_not_journaled_and_pages_ask_for_none() -> None:
    with client() as c:
        assert c.get("/favicon.ico").status_code == 404
        start_flow(c)
        assert c.get("/__mock/verify", params={"status": 404}).json()["count"] == 0
    assert '<link rel="icon" href="data:,">' in (Path(TEMPLATES_DIR) / "base.html").read_text()

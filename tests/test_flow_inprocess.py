"""The consent → finish flow, headless control, browser navigation and CORS, without a browser.
(The same flow in real Chromium is in test_browser_flow.py.)"""

from __future__ import annotations

from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.settings import Settings
from tests.conftest import (
    DEMO_LOCATION,
    DEMO_USER,
    PIT_FULL,
    START,
    contract_client,
    finish_message,
    headers,
    start_flow,
)

NAVIGATION = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Accept": "text/html"}
QUERY = {"locationId": DEMO_LOCATION, "userId": DEMO_USER}


def test_approve_posts_the_observed_payload(client: TestClient) -> None:
    message = finish_message(client, start_flow(client), "approve")
    assert message["targetOrigin"] == "*"
    payload = message["payload"]
    assert set(payload) == {"actionType", "page", "platform", "placement", "accountId", "refresh", "source"}
    assert (payload["actionType"], payload["page"], payload["platform"]) == (
        "close",
        "social_media_posting",
        "tiktok-business",
    )


def test_reconnect_posts_the_locations_previous_accounts(client: TestClient) -> None:
    message = finish_message(client, start_flow(client, reconnect="true", page="integration"), "approve")
    assert message["payload"]["reconnectAccounts"] == ["658a9b6833b91e0ecb834acd", "658a9b6833b91e0ecb8f3511"]
    assert message["payload"]["placement"] == "integration"


def test_post_message_origin_setting() -> None:
    app = create_app(Settings(post_message_origin="http://localhost:5173"))
    with contract_client(app) as client:
        assert finish_message(client, start_flow(client), "approve")["targetOrigin"] == "http://localhost:5173"


def test_a_state_finishes_only_once(client: TestClient) -> None:
    consent = start_flow(client)
    finish_message(client, consent, "approve")
    again = client.get(consent.replace("/consent?", "/finish?") + "&decision=approve")
    assert again.status_code == 400
    assert "already completed" in again.text


def test_finish_needs_a_decision(client: TestClient) -> None:
    consent = start_flow(client)
    for suffix in ("", "&decision=maybe"):
        response = client.get(consent.replace("/consent?", "/finish?") + suffix)
        assert response.status_code == 400
        assert "decision must be approve or cancel" in response.text


def test_finish_rejects_a_bad_state(client: TestClient) -> None:
    response = client.get("/__mock/oauth/tiktok-business/finish?state=forged&decision=approve")
    assert response.status_code == 400
    assert "tampered" in response.text


def test_outcome_query_parameter_skips_the_click(client: TestClient) -> None:
    consent = start_flow(client)
    response = client.get(consent + "&outcome=cancel")
    assert response.status_code == 303
    assert response.headers["location"].startswith("finish?state=")
    assert response.headers["location"].endswith("&decision=cancel")
    bad = client.get(consent + "&outcome=later")
    assert bad.status_code == 400 and "outcome must be one of" in bad.text


def test_consent_header_on_start_is_carried_in_the_state(client: TestClient) -> None:
    response = client.get(START, params=QUERY, headers={**headers(), "X-Mock-Consent": "approve"})
    consent = client.get(response.headers["location"])
    assert consent.status_code == 303
    assert consent.headers["location"].endswith("&decision=approve")


def test_a_bad_consent_header_is_a_clear_400(client: TestClient) -> None:
    response = client.get(START, params=QUERY, headers={**headers(), "X-Mock-Consent": "yes"})
    assert response.status_code == 400
    assert response.json() == {"statusCode": 400, "message": "X-Mock-Consent must be one of manual, approve, cancel"}


def test_consent_outcome_setting() -> None:
    with contract_client(create_app(Settings(consent_outcome="approve"))) as client:
        response = client.get(start_flow(client))
        assert response.status_code == 303
        followed = client.get("/__mock/oauth/tiktok-business/" + response.headers["location"])
        assert "Account connected" in followed.text


def test_headerless_browser_navigation_is_accepted_by_default(client: TestClient) -> None:
    response = client.get(START, params=QUERY, headers=NAVIGATION)
    assert response.status_code == 302
    assert "/__mock/oauth/tiktok-business/consent?state=" in response.headers["location"]
    assert "browser navigation" in response.headers["x-ghl-mock-note"]


def test_navigation_still_validates_the_query(client: TestClient) -> None:
    response = client.get(START, params={"userId": DEMO_USER}, headers=NAVIGATION)
    assert response.status_code == 422


def test_a_navigation_with_api_headers_gets_every_check(client: TestClient) -> None:
    response = client.get(START, params=QUERY, headers={**NAVIGATION, "Version": "2021-07-28"})
    assert (response.status_code, response.json()["message"]) == (401, "Invalid JWT")


def test_fetch_without_headers_is_not_a_navigation(client: TestClient) -> None:
    response = client.get(START, params=QUERY, headers={"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"})
    assert response.json() == {"statusCode": 401, "message": "version header was not found."}


def test_strict_browser_navigation_refuses_with_the_documented_401() -> None:
    with contract_client(create_app(Settings(browser_navigation="strict"))) as client:
        response = client.get(START, params=QUERY, headers=NAVIGATION)
        assert (response.status_code, response.json()) == (
            401,
            {"statusCode": 401, "message": "version header was not found."},
        )


def test_cors_preflight_and_response_for_a_local_front_end(client: TestClient) -> None:
    origin = "http://localhost:5173"
    path = f"/social-media-posting/oauth/{DEMO_LOCATION}/tiktok-business/accounts/x"
    preflight = client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization,version",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    response = client.get(path, headers={**headers(PIT_FULL), "Origin": origin})
    assert response.headers["access-control-allow-origin"] == origin
    assert "X-Ghl-Mock-Reason" in response.headers["access-control-expose-headers"]


def test_cors_refuses_other_origins(client: TestClient) -> None:
    response = client.get(START, params=QUERY, headers={**headers(), "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_origins_are_configurable() -> None:
    settings = Settings(cors_origins=["https://app.example.test"])
    with contract_client(create_app(settings)) as client:
        allowed = client.get(START, params=QUERY, headers={**headers(), "Origin": "https://app.example.test"})
        assert allowed.headers["access-control-allow-origin"] == "https://app.example.test"
        local = client.get(START, params=QUERY, headers={**headers(), "Origin": "http://localhost:5173"})
        assert "access-control-allow-origin" not in local.headers
    with contract_client(create_app(Settings(cors_origins=[]))) as client:
        none = client.get(START, params=QUERY, headers={**headers(), "Origin": "http://localhost:5173"})
        assert "access-control-allow-origin" not in none.headers


def test_static_script_is_served_and_unknown_static_files_are_404(client: TestClient) -> None:
    script = client.get("/__mock/static/finish.js")
    assert script.status_code == 200
    assert "postMessage(message.payload, message.targetOrigin)" in script.text
    assert client.get("/__mock/static/nope.js").status_code == 404


def test_navigation_without_sec_fetch_headers_is_recognised(client: TestClient) -> None:
    legacy = {"Accept": "text/html,application/xhtml+xml", "Upgrade-Insecure-Requests": "1"}
    assert client.get(START, params=QUERY, headers=legacy).status_code == 302
    assert client.get(START, params=QUERY, headers={"Accept": "text/html"}).status_code == 401
    iframe = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe", **legacy}
    assert client.get(START, params=QUERY, headers=iframe).status_code == 401

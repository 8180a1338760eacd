"""The consent page the start endpoint redirects to: it accepts only a state this mock signed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from ghl_mock.oauth_state import StateError, new_consent_request, read_state, sign_state
from ghl_mock.settings import DEFAULT_SECRET
from tests.conftest import DEMO_LOCATION, START, headers, mint

CONSENT = "/__mock/oauth/tiktok-business/consent"


def start_state(client: TestClient, location: str = DEMO_LOCATION, user: str = "demo-user") -> str:
    response = client.get(START, params={"locationId": location, "userId": user}, headers=headers(mint(location)))
    assert response.status_code == 302
    state: str = parse_qs(urlsplit(response.headers["location"]).query)["state"][0]
    return state


def test_redirect_target_shows_location_user_and_profiles(client: TestClient) -> None:
    page = client.get(CONSENT, params={"state": start_state(client)})
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "demo-location &middot; Demo Bakery" in page.text
    assert "demo-user &middot; Dana Demo" in page.text
    assert "@demo_bakery" in page.text and "@demo_bakery_cakes" in page.text
    assert "ghl-mock stand-in" in page.text
    assert 'id="authorize"' in page.text and 'id="cancel"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "cross-origin-opener-policy" not in page.headers


def test_unknown_location_gets_the_default_profiles(client: TestClient) -> None:
    page = client.get(CONSENT, params={"state": start_state(client, "fresh-location")})
    assert "@demo_business" in page.text


EVIL = "<script>alert(1)</script>\"'&"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&amp;"


def test_reflected_values_are_escaped(client: TestClient) -> None:
    response = client.get(
        START,
        params={"locationId": EVIL, "userId": EVIL, "page": EVIL, "reconnect": EVIL},
        headers=headers(mint(EVIL)),
    )
    consent_url = response.headers["location"]
    page = client.get(consent_url)
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert page.text.count(ESCAPED) == 3  # location, user, page
    state = consent_url.split("state=")[1]
    assert f'name="state" value="{state}"' in page.text  # base64url: nothing to escape, kept whole
    finish = client.get(consent_url.replace("/consent?", "/finish?") + "&decision=approve")
    assert "<script>alert(1)" not in finish.text
    data = finish.text.split('id="ghl-mock-message">')[1].split("</script>")[0]
    assert "<" not in data and "\\u003cscript\\u003e" in data  # tojson escapes < > & '
    assert "&lt;script&gt;" in finish.text.split('<pre id="payload">')[1]


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("not-a-state", "tampered"),
    ],
)
def test_missing_or_garbage_state_is_a_400_page(client: TestClient, state: str | None, reason: str) -> None:
    page = client.get(CONSENT, params={} if state is None else {"state": state})
    assert page.status_code == 400
    assert reason in page.text


def test_tampered_state_is_rejected(client: TestClient) -> None:
    state = start_state(client)
    header, payload, signature = state.split(".")
    tampered = f"{header}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    page = client.get(CONSENT, params={"state": tampered})
    assert page.status_code == 400
    assert "tampered" in page.text


def test_expired_state_is_rejected(client: TestClient) -> None:
    request = new_consent_request("tiktok-business", DEMO_LOCATION, "u", None, None)
    state = sign_state(DEFAULT_SECRET, request, ttl=600, now=0)
    page = client.get(CONSENT, params={"state": state})
    assert page.status_code == 400
    assert "expired" in page.text


def test_state_for_another_platform_is_rejected(client: TestClient) -> None:
    with pytest.raises(StateError):
        read_state("x" * 40, start_state(client))
    request = new_consent_request("facebook", DEMO_LOCATION, "u", None, None)
    page = client.get(CONSENT, params={"state": sign_state(DEFAULT_SECRET, request, ttl=600)})
    assert page.status_code == 400
    assert "issued for facebook" in page.text


def test_a_bearer_token_is_not_a_state(client: TestClient) -> None:
    page = client.get(CONSENT, params={"state": mint()})
    assert page.status_code == 400

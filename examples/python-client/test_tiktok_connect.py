"""Tests for tiktok_connect.py, written with ghl-mock's pytest plugin. Copy and adapt.

Install ghl-mock in your test environment and the fixtures are there (no conftest needed):
``ghl_mock`` is the mock in-process, ``ghl_mock_server`` a real server on 127.0.0.1, and
``@pytest.mark.ghl_scenario(...)`` scripts failures for one test.
"""

from __future__ import annotations

import httpx
import pytest
from tiktok_connect import HighLevelError, TikTokBusinessConnector

from ghl_mock.testing import GhlMock

PIT = "pit-00000000-0000-4000-8000-000000000001"  # ghl-mock's demo token for demo-location


def test_oauth_url_points_at_the_consent_page(ghl_mock: GhlMock) -> None:
    connector = TikTokBusinessConnector(ghl_mock.client, PIT)
    url = connector.oauth_url("demo-location", "demo-user")
    assert "/__mock/oauth/tiktok-business/consent?state=" in url
    ghl_mock.assert_called("/social-media-posting/oauth/tiktok-business/start", status=302, times=1)


def test_profiles_after_the_popup_approved(ghl_mock: GhlMock) -> None:
    account_id = ghl_mock.connect("demo-location", "demo-user").account_id  # the popup's message
    assert account_id is not None
    profiles = TikTokBusinessConnector(ghl_mock.client, PIT).profiles("demo-location", account_id)
    assert [p["username"] for p in profiles] == ["demo_bakery", "demo_bakery_cakes"]


def test_a_token_for_another_location_is_refused(ghl_mock: GhlMock) -> None:
    connector = TikTokBusinessConnector(ghl_mock.client, ghl_mock.token("other-location"))
    with pytest.raises(HighLevelError) as caught:
        connector.oauth_url("demo-location", "demo-user")
    assert (caught.value.status, caught.value.message) == (401, "This location is not accessible from this token!")


def test_an_expired_token(ghl_mock: GhlMock) -> None:
    connector = TikTokBusinessConnector(ghl_mock.client, ghl_mock.token(expires_in=-60))
    with pytest.raises(HighLevelError, match="401: Invalid JWT"):
        connector.oauth_url("demo-location", "demo-user")


@pytest.mark.ghl_scenario("rate-limited")
def test_burst_429s_are_retried_after_retry_after(ghl_mock: GhlMock) -> None:
    waits: list[float] = []
    connector = TikTokBusinessConnector(ghl_mock.client, PIT, sleep=waits.append)
    assert connector.oauth_url("demo-location", "demo-user")
    assert waits == [2.0, 2.0, 2.0]
    ghl_mock.assert_called(status=429, times=3)


@pytest.mark.ghl_scenario("daily-limit-exhausted")
def test_giving_up_after_the_retries(ghl_mock: GhlMock) -> None:
    connector = TikTokBusinessConnector(ghl_mock.client, PIT, sleep=lambda _: None)
    with pytest.raises(HighLevelError, match="429: Too Many Requests"):
        connector.oauth_url("demo-location", "demo-user")
    ghl_mock.assert_called(status=429, times=4)


@pytest.mark.ghl_scenario("gateway-502")
def test_a_gateway_error_is_reported_with_its_text(ghl_mock: GhlMock) -> None:
    with pytest.raises(HighLevelError, match="502: upstream connect error"):
        TikTokBusinessConnector(ghl_mock.client, PIT).oauth_url("demo-location", "demo-user")


def test_against_a_real_socket(ghl_mock_server: GhlMock) -> None:
    with httpx.Client(base_url=ghl_mock_server.url) as http:
        url = TikTokBusinessConnector(http, PIT).oauth_url("demo-location", "demo-user", reconnect=True)
    assert url.startswith(ghl_mock_server.url)


@pytest.mark.ghl_scenario("empty-reply")
def test_a_dropped_connection_surfaces_as_an_httpx_error(ghl_mock_server: GhlMock) -> None:
    with httpx.Client(base_url=ghl_mock_server.url) as http, pytest.raises(httpx.RemoteProtocolError):
        TikTokBusinessConnector(http, PIT).oauth_url("demo-location", "demo-user")

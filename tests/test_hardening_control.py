"""Hardening, second round (#12): the control API is not readable by other pages (no CORS) and not
reachable through a public host name (DNS rebinding)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.settings import Settings
from tests.conftest import START, headers

ORIGIN = "http://localhost:5173"  # allowed by the default --cors-origin list


def client(**settings: object) -> TestClient:
    return TestClient(create_app(Settings(**settings)), client=("127.0.0.1", 50000), follow_redirects=False)  # type: ignore[arg-type]


def test_no_cors_on_the_control_api_while_the_api_keeps_it() -> None:
    with client() as c:
        read = c.get("/__mock/journal", headers={"Origin": ORIGIN})
        preflight = c.options(
            "/__mock/scenarios/slow/activate",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
        )
        api = c.get(
            START, params={"locationId": "demo-location", "userId": "u"}, headers={**headers(), "Origin": ORIGIN}
        )
    assert read.status_code == 200 and "access-control-allow-origin" not in read.headers
    assert "access-control-allow-origin" not in preflight.headers
    assert api.headers["access-control-allow-origin"] == ORIGIN


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:8080", True),
        ("localhost:8080", True),
        ("[::1]:8080", True),
        ("ghl-mock:8080", True),  # a container's service name
        ("app.localhost", True),
        ("10.0.0.5:8080", True),  # an IP literal: no DNS to rebind
        ("attacker.example:8080", False),
        ("rebind.127.0.0.1.nip.io", False),
    ],
)
def test_the_control_api_refuses_a_public_host_name(host: str, allowed: bool) -> None:
    with client() as c:
        journal = c.get("/__mock/journal", headers={"Host": host})
        activate = c.post("/__mock/scenarios/slow/activate", headers={"Host": host})
    assert (journal.status_code == 200) is allowed, journal.text
    assert (activate.status_code == 200) is allowed, activate.text
    if not allowed:
        assert "DNS-rebinding" in journal.json()["message"]


def test_a_public_url_host_or_remote_control_is_allowed() -> None:
    with client(public_url="https://mock.example.com") as c:
        assert c.get("/__mock/journal", headers={"Host": "mock.example.com"}).status_code == 200
        assert c.get("/__mock/journal", headers={"Host": "other.example.com"}).status_code == 403
    with client(allow_remote_control=True) as c:
        assert c.get("/__mock/journal", headers={"Host": "other.example.com"}).status_code == 200

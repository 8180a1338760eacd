"""Shared fixtures. Every in-process client checks each response against the official contract."""

from __future__ import annotations

import json
import re
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.platforms import PLATFORMS, SOCIAL_PLANNER_SCOPES
from ghl_mock.settings import DEFAULT_SECRET, Settings
from ghl_mock.tokens import mint_token
from tests.contract import contract

#: The browser tests' ``playwright`` and ``browser`` fixtures.
pytest_plugins = ["tests.browser"]

START = "/social-media-posting/oauth/tiktok-business/start"
DEMO_LOCATION = "demo-location"
OTHER_LOCATION = "demo-location-2"
DEMO_USER = "demo-user"
PIT_FULL = "pit-00000000-0000-4000-8000-000000000001"
PIT_OTHER_LOCATION = "pit-00000000-0000-4000-8000-000000000002"
PIT_NO_SCOPE = "pit-00000000-0000-4000-8000-00000000000a"
PIT_AGENCY = "pit-00000000-0000-4000-8000-0000000000ac"
#: What the accounts endpoint lists for demo-location (fixtures/demo/locations.json).
BAKERY_PROFILES = [
    {
        "id": "ttb-bakery-0001",
        "name": "Demo Bakery",
        "username": "demo_bakery",
        "avatar": "https://example.invalid/avatars/demo-bakery.png",
        "verified": True,
        "isConnected": True,
        "type": "BUSINESS",
    },
    {
        "id": "ttb-bakery-0002",
        "name": "Demo Bakery Cakes",
        "username": "demo_bakery_cakes",
        "avatar": "https://example.invalid/avatars/demo-bakery-cakes.png",
        "verified": False,
        "isConnected": True,
        "type": "BUSINESS",
    },
]


def mint(location: str | None = DEMO_LOCATION, *, company: str | None = None, **kw: Any) -> str:
    """A token signed with the default secret (what `ghl-mock token` prints)."""
    kw.setdefault("scopes", SOCIAL_PLANNER_SCOPES)
    if company is not None:
        return mint_token(DEFAULT_SECRET, auth_class="Company", auth_class_id=company, **kw)
    assert location is not None
    return mint_token(DEFAULT_SECRET, auth_class="Location", auth_class_id=location, **kw)


def tampered(token: str) -> str:
    """The token with its signature's first character changed. All six of its bits count, so the
    signature always changes; the last one carries two padding bits (overwriting the last three
    with ``abc`` or ``xyz`` leaves about one signature in 65,000 valid)."""
    head, _, signature = token.rpartition(".")
    return f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def connect(url: str) -> socket.socket:
    """A raw TCP connection to a live server on 127.0.0.1 (for tests that write bytes themselves)."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def contract_hook(response: httpx.Response) -> None:
    response.read()
    check_contract(response)


def check_contract(response: httpx.Response) -> None:
    """Hold a read ``httpx`` response to the official contract (the spec its request's Version picks)."""
    contract().check(
        response.request.method,
        response.request.url.path,
        response.status_code,
        response.headers,
        response.content,
        preflight=response.request.method == "OPTIONS" and "access-control-request-method" in response.request.headers,
        version=response.request.headers.get("version"),
    )


def contract_client(app: Starlette) -> TestClient:
    """An in-process client whose every response is checked against the official contract."""
    client = TestClient(app, follow_redirects=False, client=("127.0.0.1", 50000))
    client.event_hooks = {"request": [], "response": [contract_hook]}
    return client


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def app(settings: Settings) -> Starlette:
    return create_app(settings)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with contract_client(app) as c:
        yield c


def headers(token: str | None = PIT_FULL, version: str | None = "2021-07-28") -> dict[str, str]:
    out = {}
    if version is not None:
        out["Version"] = version
    if token is not None:
        out["Authorization"] = f"Bearer {token}"
    return out


def v3_body(platform: str, item: dict[str, Any]) -> dict[str, Any]:
    """What the v3 DTO of ``platform`` requires, from an item as get-accounts offers it."""
    if platform == "google":
        return {"location": item["location"], "account": item["account"]}
    body = {"originId": item["id"], "name": item["name"], "avatar": item["avatar"]}
    if platform in ("facebook", "instagram"):
        body["type"] = "page"
    elif platform == "linkedin":
        body |= {"type": "page" if "organization" in item["urn"] else "profile", "urn": item["urn"]}
    else:
        body["type"] = "profile"
    return body


def version_for(platform: str) -> str:
    """The Version a client of ``platform`` sends: the v1 date, or v3 where only v3 has it."""
    return "2021-07-28" if PLATFORMS[platform].default_api == "v1" else "v3"


def start_flow(
    client: TestClient,
    location: str = DEMO_LOCATION,
    user: str = DEMO_USER,
    token: str | None = None,
    platform: str = "tiktok-business",
    version: str | None = None,
    **extra: str,
) -> str:
    """Call ``platform``'s start endpoint and return the consent URL's path and query.

    ``version``: by default 2021-07-28, or v3 for a platform only v3 has (youtube, pinterest, threads).
    """
    response = client.get(
        f"/social-media-posting/oauth/{platform}/start",
        params={"locationId": location, "userId": user, **extra},
        headers=headers(token or mint(location), version or version_for(platform)),
    )
    assert response.status_code == 302, response.text
    url = httpx.URL(response.headers["location"])
    return f"{url.path}?{url.query.decode()}"


def finish_message(client: TestClient, consent_url: str, decision: str) -> dict[str, Any]:
    """Finish the flow in-process and return the message the finish page would post."""
    finish = consent_url.replace("/consent?", "/finish?") + f"&decision={decision}"
    page = client.get(finish)
    assert page.status_code == 200, page.text
    match = re.search(r'<script type="application/json" id="ghl-mock-message">(.*?)</script>', page.text, re.S)
    assert match, page.text
    message: dict[str, Any] = json.loads(match.group(1))
    return message


def scenario_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    """A scenarios directory holding ``files`` (name → YAML text)."""
    directory = tmp_path / "scenarios"
    directory.mkdir(exist_ok=True)
    for name, text in files.items():
        (directory / f"{name}.yaml").write_text(textwrap.dedent(text))
    return directory


def scenario_client(tmp_path: Path, files: dict[str, str], **settings: Any) -> TestClient:
    """A contract-checked in-process client over an app with these scenario files."""
    app = create_app(Settings(scenarios_dir=scenario_dir(tmp_path, files), **settings))
    return contract_client(app)

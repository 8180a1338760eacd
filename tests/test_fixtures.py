"""Fixture files: the demo set loads, and each kind of mistake names file, field and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ghl_mock.fixtures import FixtureError, load_fixtures
from ghl_mock.platforms import PLATFORMS
from ghl_mock.settings import default_fixtures_dir

PROFILE = {"id": "p1", "name": "P", "username": "p", "avatar": "a"}


def write(directory: Path, locations: object, tokens: object) -> Path:
    for name, data in (("locations.json", locations), ("tokens.json", tokens)):
        (directory / name).write_text(data if isinstance(data, str) else json.dumps(data))
    return directory


def test_demo_fixtures_load() -> None:
    fixtures = load_fixtures(default_fixtures_dir())
    assert "demo-location" in fixtures.locations
    assert fixtures.pit("pit-00000000-0000-4000-8000-0000000000ac") is not None
    assert [item.id for item in fixtures.items_for("unknown-location", "tiktok-business")] == ["ttb-default-0001"]  # type: ignore[attr-defined]
    assert fixtures.items_for("demo-location", "tiktok-business")[0].username == "demo_bakery"  # type: ignore[attr-defined]
    # every platform has default demo data, so any minted token works end to end on every network
    for slug, platform in PLATFORMS.items():  # but bluesky, which HighLevel does not support yet
        assert bool(fixtures.items_for("unknown-location", slug)) is not bool(platform.v3 and platform.v3.unsupported)
    # a listed location without data for a platform gets the defaults for it
    assert fixtures.items_for("demo-location-2", "facebook") == fixtures.items_for("unknown-location", "facebook")


def test_the_tiktok_business_only_format_of_version_0_1_still_loads(tmp_path: Path) -> None:
    locations = {
        "defaultProfiles": [PROFILE],
        "locations": [
            {"id": "l", "name": "n", "companyId": "c", "tiktokBusinessProfiles": [{**PROFILE, "id": "own"}],
             "connectedAccounts": ["658a9b6833b91e0ecb834acd"]}
        ],
    }  # fmt: skip
    fixtures = load_fixtures(write(tmp_path, locations, {}))
    assert [item.id for item in fixtures.items_for("l", "tiktok-business")] == ["own"]  # type: ignore[attr-defined]
    assert [item.id for item in fixtures.items_for("x", "tiktok-business")] == ["p1"]  # type: ignore[attr-defined]
    assert fixtures.connected_before("l", "tiktok-business") == ("658a9b6833b91e0ecb834acd",)


@pytest.mark.parametrize(
    ("locations", "tokens", "file", "field", "reason"),
    [
        ("{not json", {}, "locations.json", "line 1 column 2", "invalid JSON"),
        ({}, {}, "locations.json", "defaultAccounts", "required"),
        ({"defaultAccounts": {"myspace": []}}, {}, "locations.json", "defaultAccounts.myspace", "not a field here"),
        (
            {"defaultAccounts": {"facebook": [{"id": "f", "name": "F", "avatar": "a", "isOwned": "maybe"}]}},
            {},
            "locations.json",
            "defaultAccounts.facebook[0].isOwned",
            "expected true or false",
        ),
        (
            {
                "defaultAccounts": {},
                "locations": [{"id": "l", "name": "n", "companyId": "c", "connectedAccounts": {"myspace": ["x"]}}],
            },
            {},
            "locations.json",
            "locations[0]",
            "unknown platform 'myspace'",
        ),
        (
            {"defaultProfiles": [PROFILE], "locations": [{"id": "l", "name": "n"}]},
            {},
            "locations.json",
            "locations[0].companyId",
            "required",
        ),
        (
            {"defaultProfiles": [{**PROFILE, "verified": "maybe"}]},
            {},
            "locations.json",
            "defaultAccounts.tiktok-business[0].verified",
            "expected true or false",
        ),
        ({"defaultProfiles": [PROFILE], "extra": 1}, {}, "locations.json", "extra", "not a field here"),
        (
            {"defaultProfiles": [PROFILE]},
            {"privateIntegrationTokens": [{"token": "abc", "authClass": "Location", "locationId": "l", "scopes": []}]},
            "tokens.json",
            "privateIntegrationTokens[0].token",
            "does not have the form ^pit-",
        ),
        (
            {"defaultProfiles": [PROFILE]},
            {"privateIntegrationTokens": [{"token": "pit-1", "authClass": "Company", "scopes": []}]},
            "tokens.json",
            "privateIntegrationTokens[0]",
            "needs companyId",
        ),
        (
            {"defaultProfiles": [PROFILE]},
            {
                "privateIntegrationTokens": [
                    {"token": "pit-1", "authClass": "Location", "locationId": "l", "scopes": []},
                    {"token": "pit-1", "authClass": "Location", "locationId": "m", "scopes": []},
                ]
            },
            "tokens.json",
            "(top level)",
            "listed twice",
        ),
    ],
)
def test_bad_fixture_files_name_file_field_and_reason(
    tmp_path: Path, locations: object, tokens: object, file: str, field: str, reason: str
) -> None:
    with pytest.raises(FixtureError) as caught:
        load_fixtures(write(tmp_path, locations, tokens))
    assert caught.value.file == tmp_path / file
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_missing_file_and_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match="not a directory"):
        load_fixtures(tmp_path / "nope")
    (tmp_path / "locations.json").write_text(json.dumps({"defaultProfiles": [PROFILE]}))
    with pytest.raises(FixtureError, match=r"tokens\.json: file not found"):
        load_fixtures(tmp_path)

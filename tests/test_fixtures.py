"""Fixture files: the demo set loads, and each kind of mistake names file, field and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_server.fixtures import FixtureError, load_fixtures
from mock_server.settings import default_fixtures_dir

PROFILE = {"id": "p1", "name": "P", "username": "p", "avatar": "a"}


def write(directory: Path, locations: object, tokens: object) -> Path:
    for name, data in (("locations.json", locations), ("tokens.json", tokens)):
        (directory / name).write_text(data if isinstance(data, str) else json.dumps(data))
    return directory


def test_demo_fixtures_load() -> None:
    fixtures = load_fixtures(default_fixtures_dir())
    assert "demo-location" in fixtures.locations
    assert fixtures.pit("pit-00000000-0000-4000-8000-0000000000ac") is not None
    assert fixtures.profiles_for("unknown-location") == fixtures.default_profiles
    assert fixtures.profiles_for("demo-location")[0].username == "demo_bakery"


@pytest.mark.parametrize(
    ("locations", "tokens", "file", "field", "reason"),
    [
        ("{not json", {}, "locations.json", "line 1 column 2", "invalid JSON"),
        ({"defaultProfiles": []}, {}, "locations.json", "defaultProfiles", "at least 1 item"),
        (
            {"defaultProfiles": [PROFILE], "locations": [{"id": "l", "name": "n"}]},
            {},
            "locations.json",
            "locations[0].companyId",
            "Field required",
        ),
        (
            {"defaultProfiles": [{**PROFILE, "verified": "maybe"}]},
            {},
            "locations.json",
            "defaultProfiles[0].verified",
            "valid boolean",
        ),
        ({"defaultProfiles": [PROFILE], "extra": 1}, {}, "locations.json", "extra", "Extra inputs"),
        (
            {"defaultProfiles": [PROFILE]},
            {"privateIntegrationTokens": [{"token": "abc", "authClass": "Location", "locationId": "l", "scopes": []}]},
            "tokens.json",
            "privateIntegrationTokens[0].token",
            "pattern",
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
    with pytest.raises(FixtureError, match=r"tokens\.json: -: file not found"):
        load_fixtures(tmp_path)

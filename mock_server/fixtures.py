"""The demo data set: locations, users, TikTok Business profiles and Private Integration Tokens.

A fixtures directory holds ``locations.json`` and ``tokens.json``. Both are validated by the
pydantic models below when the server starts; a bad file raises ``FixtureError`` naming the file,
the field and the reason. Fixtures only *add* named data: a minted token works for any location.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mock_server.file_errors import FileError, first_error, read_text

LOCATIONS_FILE = "locations.json"
TOKENS_FILE = "tokens.json"


class FixtureError(FileError):
    """A fixture file is missing, unreadable or invalid."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_M = TypeVar("_M", bound=_Model)


class User(_Model):
    id: str = Field(min_length=1)
    name: str


class TiktokProfile(_Model):
    """A TikTok Business profile, shaped like the spec's ``TiktokProfileSchema``."""

    id: str = Field(min_length=1)
    name: str
    username: str
    avatar: str
    verified: bool = False
    type: Literal["BUSINESS", "PROFILE"] = "BUSINESS"


class Location(_Model):
    id: str = Field(min_length=1)
    name: str
    company_id: str = Field(alias="companyId", min_length=1)
    users: tuple[User, ...] = ()
    tiktok_business_profiles: tuple[TiktokProfile, ...] = Field((), alias="tiktokBusinessProfiles")
    #: Ids of TikTok Business accounts connected before; a reconnect flow reports them.
    connected_accounts: tuple[str, ...] = Field((), alias="connectedAccounts")


class LocationsFile(_Model):
    #: Profiles shown for a location the fixtures do not list (any minted token works end to end).
    default_profiles: tuple[TiktokProfile, ...] = Field(alias="defaultProfiles", min_length=1)
    locations: tuple[Location, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> LocationsFile:
        seen: set[str] = set()
        for location in self.locations:
            if location.id in seen:
                raise ValueError(f"duplicate location id {location.id!r}")
            seen.add(location.id)
        return self


class PrivateIntegrationToken(_Model):
    token: str = Field(pattern=r"^pit-[A-Za-z0-9-]+$")
    auth_class: Literal["Location", "Company"] = Field(alias="authClass")
    location_id: str | None = Field(None, alias="locationId")
    company_id: str | None = Field(None, alias="companyId")
    scopes: tuple[str, ...]

    @model_validator(mode="after")
    def _owner_matches_class(self) -> PrivateIntegrationToken:
        if self.auth_class == "Location" and not self.location_id:
            raise ValueError("a Location token needs locationId")
        if self.auth_class == "Company" and not self.company_id:
            raise ValueError("a Company (Agency) token needs companyId")
        return self


class TokensFile(_Model):
    private_integration_tokens: tuple[PrivateIntegrationToken, ...] = Field((), alias="privateIntegrationTokens")

    @model_validator(mode="after")
    def _unique_tokens(self) -> TokensFile:
        tokens = [pit.token for pit in self.private_integration_tokens]
        if len(tokens) != len(set(tokens)):
            raise ValueError("the same token is listed twice")
        return self


class Fixtures:
    """Read-only lookups over a loaded fixture set."""

    def __init__(self, locations: LocationsFile, tokens: TokensFile, source: Path | None = None):
        self.source = source
        self.default_profiles = locations.default_profiles
        self.locations = {location.id: location for location in locations.locations}
        self.pits = {pit.token: pit for pit in tokens.private_integration_tokens}

    def location(self, location_id: str) -> Location | None:
        return self.locations.get(location_id)

    def profiles_for(self, location_id: str) -> tuple[TiktokProfile, ...]:
        location = self.locations.get(location_id)
        if location is None or not location.tiktok_business_profiles:
            return self.default_profiles
        return location.tiktok_business_profiles

    def pit(self, token: str) -> PrivateIntegrationToken | None:
        return self.pits.get(token)


def load_fixtures(directory: Path) -> Fixtures:
    """Load and validate a fixtures directory, or raise ``FixtureError``."""
    if not directory.is_dir():
        raise FixtureError(directory, "-", "not a directory")
    locations = _load(directory / LOCATIONS_FILE, LocationsFile)
    tokens = _load(directory / TOKENS_FILE, TokensFile)
    return Fixtures(locations, tokens, source=directory)


def _load(path: Path, model: type[_M]) -> _M:
    text = read_text(path, FixtureError)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FixtureError(path, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FixtureError(path, *first_error(exc)) from None

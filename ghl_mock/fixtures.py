"""The demo data set: locations, users, each network's demo pages/profiles, and Private Integration Tokens.

A fixtures directory holds ``locations.json`` and ``tokens.json``. Both are validated by the
pydantic models below when the server starts; a bad file raises ``FixtureError`` naming the file,
the field and the reason. Fixtures only *add* named data: a minted token works for any location.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from ghl_mock.file_errors import TOO_DEEP, WHOLE_FILE, FileError, first_error, read_text
from ghl_mock.platforms import PLATFORMS, DemoItem

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


def _field(slug: str) -> str:
    """The attribute a platform's items live under in ``DemoAccounts`` (the slug is its alias)."""
    return slug.replace("-", "_")


def _accounts_model() -> type[BaseModel]:
    """``{"<platform slug>": [item, …]}``, each item validated by its platform's model (precise
    error paths like ``locations[0].accounts.facebook[1].name``; an unknown slug is refused)."""
    items: Any = tuple  # each field's type is built at run time: tuple[<the platform's item model>, ...]
    fields: dict[str, Any] = {
        _field(slug): (items[platform.item_model, ...], Field((), alias=slug)) for slug, platform in PLATFORMS.items()
    }
    return create_model(
        "DemoAccounts", __config__=ConfigDict(extra="forbid", frozen=True, populate_by_name=True), **fields
    )


DemoAccounts = _accounts_model()


class Location(_Model):
    id: str = Field(min_length=1)
    name: str
    company_id: str = Field(alias="companyId", min_length=1)
    users: tuple[User, ...] = ()
    #: Pages, profiles and locations each network offers this location after consent.
    accounts: DemoAccounts = Field(default_factory=DemoAccounts, alias="accounts")  # type: ignore[valid-type]
    #: Ids of accounts connected before, per platform; a reconnect flow reports them.
    connected_accounts: dict[str, tuple[str, ...]] = Field(default_factory=dict, alias="connectedAccounts")

    @model_validator(mode="before")
    @classmethod
    def _earlier_format(cls, data: Any) -> Any:
        """The TikTok-Business-only format of ghl-mock 0.1 still loads."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "tiktokBusinessProfiles" in data:
            accounts = dict(data.get("accounts") or {})
            accounts.setdefault("tiktok-business", data.pop("tiktokBusinessProfiles"))
            data["accounts"] = accounts
        if isinstance(data.get("connectedAccounts"), list):
            data["connectedAccounts"] = {"tiktok-business": data["connectedAccounts"]}
        return data

    @model_validator(mode="after")
    def _known_platforms(self) -> Location:
        unknown = sorted(set(self.connected_accounts) - set(PLATFORMS))
        if unknown:
            raise ValueError(f"connectedAccounts: unknown platform {unknown[0]!r}; known: {', '.join(PLATFORMS)}")
        return self


class LocationsFile(_Model):
    #: What a location the fixtures do not list (or list without that platform) is offered:
    #: any minted token works end to end.
    defaults: DemoAccounts = Field(alias="defaultAccounts")  # type: ignore[valid-type]
    locations: tuple[Location, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _earlier_format(cls, data: Any) -> Any:
        if isinstance(data, dict) and "defaultProfiles" in data:
            data = dict(data)
            defaults = dict(data.get("defaultAccounts") or {})
            defaults.setdefault("tiktok-business", data.pop("defaultProfiles"))
            data["defaultAccounts"] = defaults
        return data

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
        self.defaults = locations.defaults
        self.locations = {location.id: location for location in locations.locations}
        self.pits = {pit.token: pit for pit in tokens.private_integration_tokens}

    def location(self, location_id: str) -> Location | None:
        return self.locations.get(location_id)

    def items_for(self, location_id: str, platform: str) -> tuple[DemoItem, ...]:
        """What ``platform`` offers this location after consent (its own demo data, else the defaults)."""
        location = self.locations.get(location_id)
        own: tuple[DemoItem, ...] = getattr(location.accounts, _field(platform)) if location else ()
        return own or getattr(self.defaults, _field(platform))

    def connected_before(self, location_id: str, platform: str) -> tuple[str, ...]:
        location = self.locations.get(location_id)
        return location.connected_accounts.get(platform, ()) if location else ()

    def pit(self, token: str) -> PrivateIntegrationToken | None:
        return self.pits.get(token)


#: Demo data may be larger than a scenario file, not without bound.
MAX_FIXTURE_BYTES = 10_000_000


def load_fixtures(directory: Path) -> Fixtures:
    """Load and validate a fixtures directory, or raise ``FixtureError``."""
    if not directory.is_dir():
        raise FixtureError(directory, WHOLE_FILE, "not a directory")
    locations = _load(directory / LOCATIONS_FILE, LocationsFile)
    tokens = _load(directory / TOKENS_FILE, TokensFile)
    return Fixtures(locations, tokens, source=directory)


def _load(path: Path, model: type[_M]) -> _M:
    text = read_text(path, FixtureError, limit=MAX_FIXTURE_BYTES)
    try:
        data = json.loads(text)
        return model.model_validate(data)
    except RecursionError:
        raise FixtureError(path, WHOLE_FILE, TOO_DEEP) from None
    except json.JSONDecodeError as exc:
        raise FixtureError(path, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}") from None
    except ValidationError as exc:
        raise FixtureError(path, *first_error(exc)) from None

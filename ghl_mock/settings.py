"""The one settings object. Environment variables (prefix ``GHL_MOCK_``) and CLI options both feed it.

The CLI only parses its options and passes the ones the user actually gave as keyword
arguments; pydantic-settings gives those precedence over the environment, and the
environment precedence over the defaults below.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Development default for the signing secret. It is public on purpose: ghl-mock's tokens
#: protect nothing. Set GHL_MOCK_SECRET to make tokens minted elsewhere unusable here.
DEFAULT_SECRET = "ghl-mock-development-secret-not-for-production-use"


def shipped(packed: str, *repo_path: str) -> Path:
    """Data shipped with ghl-mock: the repo's copy or, in a wheel, the one packed beside us."""
    here = Path(__file__).resolve().parent
    return here / packed if (here / packed).is_dir() else here.parent.joinpath(*repo_path)


def default_fixtures_dir() -> Path:
    return shipped("_demo_fixtures", "fixtures", "demo")


def default_scenarios_dir() -> Path:
    return shipped("_scenarios", "scenarios")


class Settings(BaseSettings):
    """Everything ghl-mock can be told. Each field's env twin is ``GHL_MOCK_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="GHL_MOCK_", extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", description="Interface to bind. Loopback by default.")
    port: int = Field(8080, ge=0, le=65535, description="TCP port; 0 picks a free one.")
    secret: SecretStr = Field(
        SecretStr(DEFAULT_SECRET),
        description="HS256 key for minted tokens and the consent `state` (at least 32 characters).",
    )
    fixtures: Path = Field(default_factory=default_fixtures_dir, description="Directory of demo data.")
    strict_version: bool = Field(
        False, description="Accept only the documented Version 2021-07-28 (like stripe-mock's flag)."
    )
    state_ttl: int = Field(600, ge=1, description="Seconds a consent `state` stays valid.")
    public_url: str | None = Field(
        None,
        description="Base URL used in redirects (e.g. behind a proxy). Default: the request's own host.",
    )
    access_log: bool = Field(True, description="Print one access-log line per request.")
    post_message_origin: str = Field(
        "*",
        description="targetOrigin of the finish page's postMessage. HighLevel must use '*' (it cannot know "
        "the opener's origin); set your app's origin to prove your client works with a strict one.",
    )

    @field_validator("scenarios_dir")
    @classmethod
    def _existing_directory(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"{value} is not a directory of scenario files")
        return value

    @field_validator("extra_scenarios")
    @classmethod
    def _existing_directories(cls, value: list[Path]) -> list[Path]:
        for directory in value:
            cls._existing_directory(directory)
        return value

    @property
    def scenario_dirs(self) -> list[Path]:
        """Where scenarios are read from: the scenarios directory, then each extra one."""
        return [self.scenarios_dir, *self.extra_scenarios]

    @field_validator("secret")
    @classmethod
    def _long_secret(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters (it is an HS256 key)")
        return value

    @field_validator("post_message_origin")
    @classmethod
    def _origin(cls, value: str) -> str:
        if value == "*" or re.fullmatch(r"https?://[^/\s?#]+", value):
            return value
        raise ValueError("must be * or an origin like http://localhost:5173 (scheme://host[:port], no path)")

    consent_outcome: Literal["manual", "approve", "cancel"] = Field(
        "manual",
        description="What the consent page does: wait for a click, or approve/cancel at once (for CI).",
    )
    browser_navigation: Literal["accept", "strict"] = Field(
        "accept",
        description="A top-level browser navigation to a start URL without Version/Authorization headers "
        "(window.open) is accepted (default) or refused with the documented 401 JSON (strict).",
    )
    scenarios_dir: Path = Field(
        default_factory=default_scenarios_dir, description="Directory of scenario files (one scenario a file)."
    )
    extra_scenarios: list[Path] = Field(
        default_factory=list,
        description="More directories of your own scenario files, layered over the scenarios directory "
        "(a name found twice is an error naming both files).",
    )
    scenarios: list[str] = Field(default_factory=list, description="Scenarios active from the start, in order.")
    watch: bool = Field(False, description="Reload scenario files when they change.")
    seed: int | None = Field(None, description="Seed for random latency, so runs repeat exactly.")
    journal_size: int = Field(1000, ge=1, le=1_000_000, description="Requests the journal keeps (a ring buffer).")
    allow_remote_control: bool = Field(
        False, description="Let non-loopback clients use the control API (/__mock/...). Off: 403."
    )
    cors_origins: list[str] = Field(
        default_factory=lambda: ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"],
        description="Origins allowed to call the API from a browser; ':*' matches any port. Empty: no CORS.",
    )
    legacy_platforms: list[str] = Field(
        default_factory=list,
        description="Retired platforms (twitter) to serve as before their retirement, instead of the 400.",
    )

    @field_validator("legacy_platforms")
    @classmethod
    def _retired_platforms(cls, value: list[str]) -> list[str]:
        from ghl_mock.platforms import PLATFORMS

        retired = [slug for slug, platform in PLATFORMS.items() if platform.retired]
        for slug in value:
            if slug not in retired:
                raise ValueError(f"{slug!r} is not a retired platform; retired: {', '.join(retired)}")
        return value

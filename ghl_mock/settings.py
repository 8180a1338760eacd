"""The one settings object. Environment variables (prefix ``GHL_MOCK_``) and CLI options both feed it.

The CLI only parses its options and passes the ones the user actually gave as keyword
arguments; pydantic-settings gives those precedence over the environment, and the
environment precedence over the defaults below.

Every value is checked when the settings are made (at start-up, never while serving): a
``GHL_MOCK_*`` variable that is not a setting, or a list variable that is not a JSON list, raises
``SettingsEnvironmentError`` naming the variable; any other bad value a ``ValidationError``, which
``problems`` turns into the user's words.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from ghl_mock.cors import HOST, normal_origin
from ghl_mock.wording import reason, shown

ENV_PREFIX = "GHL_MOCK_"

#: ``GHL_MOCK_*`` variables that are not settings: other tools read them, and they are often set in
#: the environment ghl-mock starts in, so they must not be refused as unknown settings. Who reads
#: each one (``tests/test_hardening_settings.py`` checks that every ``GHL_MOCK_*`` name the
#: repository uses is a setting or listed here):
NOT_SETTINGS: Mapping[str, str] = {
    "GHL_MOCK_URL": "a server started elsewhere, for the pytest plugin (pytest_plugin.py), the JS helper "
    "(js/index.js) and examples/popup-client",
    "GHL_MOCK_COMMAND": "the command the JS helper starts (js/index.js, examples/node-sdk)",
    "GHL_MOCK_PACKAGE": "what the GitHub Actions examples install (examples/github-actions/)",
    "GHL_MOCK_CHROMIUM": "the Chromium the browser tests drive (tests/browser.py)",
    "GHL_MOCK_UPDATE_DOCS": "regenerate docs/consent-page.png (tests/test_browser_flow.py)",
    "GHL_MOCK_REQUIRE_CONTAINER": "fail the container test instead of skipping it (tests/test_container.py)",
}

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

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _Environment(settings_cls), dotenv_settings, file_secret_settings

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
        description="Base URL used in redirects (e.g. behind a proxy): an absolute http(s) URL, no query. "
        "Default (or empty): the request's own host.",
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
        return normal_origin(value, any_port=False)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        return check_public_url(value) if value else None  # empty: not set, as before

    @field_validator("cors_origins")
    @classmethod
    def _cors_origins(cls, value: list[str]) -> list[str]:
        kept: list[str] = []
        bad: list[tuple[str, ValueError]] = []
        for origin in value:
            try:
                kept.append(normal_origin(origin))
            except ValueError as exc:
                bad.append((origin, exc))
        if bad:  # the first one's reason, and which others are bad too
            others = f" (also not origins: {', '.join(repr(origin) for origin, _ in bad[1:])})" if bad[1:] else ""
            raise ValueError(f"{bad[0][1]}{others}")
        return kept

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
        examples=[["./my-scenarios"]],
        description="More directories of your own scenario files, layered over the scenarios directory "
        "(a name found twice is an error naming both files).",
    )
    scenarios: list[str] = Field(
        default_factory=list, examples=[["rate-limited"]], description="Scenarios active from the start, in order."
    )
    watch: bool = Field(False, description="Reload scenario files when they change.")
    seed: int | None = Field(None, description="Seed for random latency, so runs repeat exactly.")
    journal_size: int = Field(1000, ge=1, le=1_000_000, description="Requests the journal keeps (a ring buffer).")
    allow_remote_control: bool = Field(
        False, description="Let non-loopback clients use the control API (/__mock/...). Off: 403."
    )
    cors_origins: list[str] = Field(
        default_factory=lambda: ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"],
        examples=[["http://localhost:5173"]],
        description="Origins allowed to call the API from a browser; ':*' matches any port. Empty: no CORS.",
    )
    legacy_platforms: list[str] = Field(
        default_factory=list,
        examples=[["twitter"]],
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


# --- the environment ------------------------------------------------------------------------------


class SettingsEnvironmentError(SettingsError):
    """``GHL_MOCK_*`` variables ghl-mock cannot use; ``problems`` holds each (variable, reason)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{variable}: {reason}" for variable, reason in problems))
        self.problems = problems


def env_name(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


def environment_problems(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each ``GHL_MOCK_*`` variable that is no setting (with the closest name, if one is close) and
    each list setting whose value is not a JSON list, as (variable, reason)."""
    fields = {env_name(name): info for name, info in Settings.model_fields.items()}
    known = [name.removeprefix(ENV_PREFIX) for name in [*fields, *NOT_SETTINGS]]
    problems = []
    for variable in sorted(environ):
        upper = variable.upper()  # pydantic-settings reads the environment case-insensitively
        if not upper.startswith(ENV_PREFIX) or upper in NOT_SETTINGS:
            continue
        if upper not in fields:
            close = difflib.get_close_matches(upper.removeprefix(ENV_PREFIX), known, n=1)
            hint = f"did you mean {ENV_PREFIX}{close[0]}?" if close else "README's Configuration table lists them"
            problems.append((variable, f"not a ghl-mock setting; {hint}"))
            continue
        info = fields[upper]
        if get_origin(info.annotation) is list:  # a list setting: its value is JSON
            value = environ[variable]
            try:
                is_list = isinstance(json.loads(value), list)
            except ValueError:
                is_list = False
            if not is_list:
                example = json.dumps(info.examples[0] if info.examples else ["a", "b"])
                problems.append((variable, f"expected a JSON list such as {example}, got {shown(value)}"))
    return problems


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source, after ``environment_problems`` found nothing."""

    def __call__(self) -> dict[str, Any]:
        problems = environment_problems(os.environ)
        if problems:
            raise SettingsEnvironmentError(problems)
        return super().__call__()


# --- checks and wording -----------------------------------------------------------------------------

#: What a URL may hold as it is (RFC 3986's unreserved and reserved characters, and ``%``).
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_HOST = re.compile(rf"(?P<host>{HOST})(?::(?P<port>.*))?")


def check_public_url(value: str) -> str:
    """``value`` if it is an absolute http(s) URL with a host, no user, query or fragment, else ``ValueError``."""
    quoted = shown(value)
    for character in value:
        if ord(character) < 0x20 or ord(character) == 0x7F:
            raise ValueError(f"{quoted} contains a control character ({character!r}), such as a line break")
        if character.isspace():
            raise ValueError(f"{quoted} contains whitespace; percent-encode a space as %20")
    stray = next((c for c in value if not _URL_CHARACTERS.fullmatch(c)), None)
    if stray is not None:
        raise ValueError(f"{quoted} contains {stray!r}: percent-encode it (a host name: its xn-- form)")
    scheme, rest = value.split("://", 1) if "://" in value else ("", "")
    if scheme.lower() not in ("http", "https"):
        raise ValueError(f"{quoted} is not an absolute http:// or https:// URL, such as https://mock.example.test")
    if "?" in rest:
        raise ValueError(f"{quoted} has a query (?...): give the base URL only, ghl-mock adds the paths")
    if "#" in rest:
        raise ValueError(f"{quoted} has a fragment (#...): give the base URL only")
    netloc = rest.split("/", 1)[0]
    if "@" in netloc:
        raise ValueError(f"{quoted} carries a user name or password (user@host); give the host only")
    host = _HOST.fullmatch(netloc)
    if not host:
        what = "has no host" if not netloc else f"has a bad host {netloc!r}"
        raise ValueError(f"{quoted} {what} (a name of letters, digits, '.' and '-', or an [IPv6] address)")
    port = host["port"]
    if port is not None and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise ValueError(f"{quoted} has a bad port {port!r} (a number from 1 to 65535)")
    return value


def problems(exc: ValidationError) -> list[tuple[str, str]]:
    """Each problem of ``exc`` as (setting, reason in the user's words); the setting is ``""`` for a
    rule across several settings. A secret's value is never shown."""
    out = []
    for error in exc.errors():
        loc = error["loc"]
        field = str(loc[0]) if loc else ""
        item = f"item {loc[1] + 1}: " if len(loc) > 1 and isinstance(loc[1], int) else ""
        out.append((field, item + reason(error, show_input=field != "secret", extra="not a ghl-mock setting")))
    return out

"""The ``Version`` header: which API generation a value selects, which path forms each generation
serves, and the check every operation runs (research §3.3, §2.8).

``GENERATIONS`` and ``FORMS`` are the one table of what each Version accepts (docs/decisions.md
#75 and the README's "API versions" section repeat it; a test keeps the README in step).
"""

from __future__ import annotations

import re
from typing import Final, Literal

from starlette.types import Scope

from ghl_mock.errors import ApiError
from ghl_mock.platforms import Api
from ghl_mock.rules import VERSION_MALFORMED, VERSION_MISSING, VERSION_UNKNOWN
from ghl_mock.wire import VERSION_KEY

#: The generation each accepted value selects: the dates are the per-platform spec's (live, all
#: three are accepted on established routes), ``v3`` the generic-route spec's.
GENERATIONS: Final[dict[str, Api]] = {"2021-07-28": "v1", "2021-04-15": "v1", "2023-02-21": "v1", "v3": "v3"}

#: What a request whose Version selects ``generation`` gets on a path served by rows of ``rows``:
#: the row of that generation; the v1 row (old path forms keep working under v3: google's
#: ``/locations/`` path, twitter); or NestJS's 404 (a v3-only path form under a date Version:
#: youtube, pinterest, threads, bluesky, and google's ``/accounts/`` form).
Served = Literal["own", "v1", "not-found"]
FORMS: Final[dict[tuple[Api, frozenset[Api]], Served]] = {
    ("v1", frozenset({"v1"})): "own",
    ("v1", frozenset({"v1", "v3"})): "own",
    ("v1", frozenset({"v3"})): "not-found",
    ("v3", frozenset({"v3"})): "own",
    ("v3", frozenset({"v1", "v3"})): "own",
    ("v3", frozenset({"v1"})): "v1",
}


def requested(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The Version as HighLevel's code sees it (Node joins a repeated header's values with ", ")."""
    values = [value.decode("latin-1") for name, value in headers if name == b"version"]
    return ", ".join(values) if values else None


def requested_in(scope: Scope) -> str | None:
    """``requested`` of the request's headers, read once per request (routing and the check ask)."""
    if VERSION_KEY in scope:
        value: str | None = scope[VERSION_KEY]
        return value
    value = scope[VERSION_KEY] = requested(scope["headers"])
    return value


def generation(value: str | None) -> Api | None:
    """The generation a Version selects (None: missing or not a known value; the check refuses it)."""
    return GENERATIONS.get(value.strip()) if value is not None else None


def choose(value: str | None, rows: frozenset[Api]) -> Api | None:
    """The generation of the row that serves this request, or None for NestJS's 404."""
    wanted = generation(value)
    if wanted is None:
        return "v1" if "v1" in rows else "v3"  # its Version check answers
    served = FORMS[(wanted, rows)]
    if served == "not-found":
        return None
    return wanted if served == "own" else "v1"


def markdown_table() -> str:
    """The README's table of what each Version serves (kept in step by a test)."""
    lines = ["| `Version` | generation | path forms served |", "|---|---|---|"]
    for value, api in GENERATIONS.items():
        if api == "v1":
            forms = (
                "the per-platform operations (apps/social-media-posting.json) and the accounts list/delete; "
                "a v3-only form (youtube, pinterest, threads, bluesky, google's `/accounts/` path) is "
                "NestJS's 404 `Cannot GET`, with an `X-Ghl-Mock-Hint` naming `Version: v3`"
            )
        else:
            forms = (
                "the generic operations (apps/v3/social-planner-v3.json) for the ten platforms of their enums, "
                "the v3 accounts list/delete, and the old per-platform forms the v3 spec lacks "
                "(google's `/locations/` path, twitter), answered as under v1"
            )
        lines.append(f"| `{value}` | {api} | {forms} |")
    return "\n".join(lines)


#: Values shaped like an API version: a date, or ``v`` and digits. An unknown one of these is
#: "invalid" (401); anything else fails to parse at all (400).
_VERSION_SHAPED = re.compile(r"\d{4}-\d{2}-\d{2}|v\d+")


def check_version(value: str | None, accepted: frozenset[str]) -> str:
    """Return the accepted version, or raise the table's error for a missing or bad one."""
    if value is None or not value.strip():
        raise ApiError(VERSION_MISSING, "no Version header")
    version = value.strip()
    if version in accepted:
        return version
    if _VERSION_SHAPED.fullmatch(version):
        raise ApiError(VERSION_UNKNOWN, f"Version {version[:40]!r} is not one of {', '.join(sorted(accepted))}")
    raise ApiError(VERSION_MALFORMED, "Version is not a version string", value=version)

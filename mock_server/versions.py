"""The ``Version`` header check (research §3.3)."""

from __future__ import annotations

import re

from mock_server.errors import ApiError
from mock_server.rules import VERSION_MALFORMED, VERSION_MISSING, VERSION_UNKNOWN

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

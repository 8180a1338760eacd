"""CORS for local front-ends, so a page on e.g. http://localhost:5173 can ``fetch`` the API.

``front.Front`` runs Starlette's CORS middleware with these, for requests that carry ``Origin``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ALLOWED_HEADERS = (
    "Authorization",
    "Version",
    "Content-Type",
    "Prefer",
    "X-Mock-Consent",
    "X-Mock-Scenario",
    "X-Mock-Session",
)
EXPOSED_HEADERS = (
    "Location",
    "Retry-After",
    "X-RateLimit-Limit-Daily",
    "X-RateLimit-Daily-Remaining",
    "X-RateLimit-Interval-Milliseconds",
    "X-RateLimit-Max",
    "X-RateLimit-Remaining",
    "X-Ghl-Mock-Reason",
    "X-Ghl-Mock-Rule",
    "X-Ghl-Mock-Hint",
    "X-Ghl-Mock-Note",
    "X-Ghl-Mock-Step",
    "X-Ghl-Mock-Off-Contract",
)


def origin_regex(origins: Sequence[str]) -> str | None:
    """One regex for the configured origins; ``:*`` at the end matches any port, ``*`` any origin."""
    if not origins:
        return None
    parts = []
    for origin in origins:
        if origin == "*":
            return ".*"
        if origin.endswith(":*"):
            parts.append(re.escape(origin[:-2]) + r"(:\d+)?")
        else:
            parts.append(re.escape(origin.rstrip("/")))
    return "|".join(f"(?:{part})" for part in parts)

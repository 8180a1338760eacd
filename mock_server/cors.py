"""CORS for local front-ends, so a page on e.g. http://localhost:5173 can ``fetch`` the API."""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.operations import METHODS

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


class OnlyWithOrigin:
    """Run the CORS middleware only for requests that carry ``Origin`` (browsers); others skip it."""

    def __init__(self, app: ASGIApp, allow_origin_regex: str) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origin_regex=allow_origin_regex,
            allow_methods=[*METHODS, "OPTIONS"],
            allow_headers=list(ALLOWED_HEADERS),
            expose_headers=list(EXPOSED_HEADERS),
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(name == b"origin" for name, _ in scope["headers"]):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def cors_middleware(origins: Sequence[str]) -> list[Middleware]:
    regex = origin_regex(origins)
    if regex is None:
        return []
    return [Middleware(OnlyWithOrigin, allow_origin_regex=regex)]

"""The mock's own routes. Everything ghl-mock adds lives under ``/__mock/``."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from mock_server.context import context_of
from mock_server.oauth_state import StateError, read_state
from mock_server.routes.oauth import platform_of

templates: Final = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def consent(request: Request) -> Response:
    """Where the start endpoint's 302 lands: the stand-in for TikTok's consent screen."""
    platform = platform_of(request)
    ctx = context_of(request)
    try:
        consent_request = read_state(ctx.secret, request.query_params.get("state"))
        if consent_request.platform != platform.slug:
            raise StateError(f"the state was issued for {consent_request.platform}, not {platform.slug}")
    except StateError as exc:
        return templates.TemplateResponse(
            request, "state_error.html", {"reason": str(exc), "platform": platform}, status_code=400
        )
    return templates.TemplateResponse(
        request,
        "consent.html",
        {
            "platform": platform,
            "consent": consent_request,
            "location": ctx.fixtures.location(consent_request.location_id),
            "profiles": ctx.fixtures.profiles_for(consent_request.location_id),
        },
    )


routes: Final = [
    Route("/__mock/health", health, methods=["GET"]),
    Route("/__mock/oauth/{platform}/consent", consent, methods=["GET"]),
]

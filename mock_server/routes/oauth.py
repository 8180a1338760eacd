"""HighLevel's Social Planner OAuth routes (``/social-media-posting/oauth/...``)."""

from __future__ import annotations

from typing import Final
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from mock_server.checks import authorize
from mock_server.context import MockContext, context_of
from mock_server.oauth_state import new_consent_request, sign_state
from mock_server.platforms import PLATFORMS, Platform
from mock_server.validation import QueryParam

#: The start operations' query parameters, in spec order (all platforms share them, §2.4).
START_QUERY: Final = (
    QueryParam("locationId", required=True),
    QueryParam("userId", required=True),
    QueryParam("page", required=False),
    QueryParam("reconnect", required=False),
)


def platform_of(request: Request) -> Platform:
    platform = PLATFORMS.get(request.path_params["platform"])
    if platform is None:
        raise HTTPException(404)
    return platform


async def start_oauth(request: Request) -> Response:
    """``GET /social-media-posting/oauth/{platform}/start``: 302 to the (mock) provider's consent page.

    The live API redirects to the provider (research §3.1); the spec's "200" is wrong.
    """
    platform = platform_of(request)
    ctx = context_of(request)
    auth = authorize(
        request, ctx, scope=platform.scope, query_spec=START_QUERY, location_param="locationId"
    )
    consent = new_consent_request(
        platform.slug,
        auth.query["locationId"],
        auth.query["userId"],
        auth.query.get("page"),
        auth.query.get("reconnect"),
    )
    state = sign_state(ctx.secret, consent, ctx.settings.state_ttl)
    location = f"{public_base(request, ctx)}/__mock/oauth/{platform.slug}/consent?{urlencode({'state': state})}"
    # Express's res.redirect() body, as HighLevel's NestJS app sends it.
    return PlainTextResponse(
        f"Found. Redirecting to {location}", status_code=302, headers={"Location": location}
    )


def public_base(request: Request, ctx: MockContext) -> str:
    if ctx.settings.public_url:
        return ctx.settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


routes: Final = [
    Route("/social-media-posting/oauth/{platform}/start", start_oauth, methods=["GET"]),
]

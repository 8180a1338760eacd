"""HighLevel's Social Planner OAuth routes (``/social-media-posting/oauth/...``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Final

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from mock_server.checks import authorize
from mock_server.context import MockContext, context_of
from mock_server.errors import ApiError, MockUsageError, header_safe, not_found, raw_path_of, render_api_error
from mock_server.oauth_state import new_consent_request, sign_state
from mock_server.platforms import PLATFORMS, Platform
from mock_server.rules import ACCOUNT_NOT_FOUND
from mock_server.validation import QueryParam

#: The start operations' query parameters, in spec order (all platforms share them, §2.4).
START_QUERY: Final = (
    QueryParam("locationId", required=True),
    QueryParam("userId", required=True),
    QueryParam("page", required=False),
    QueryParam("reconnect", required=False),
)
#: The accounts operation declares no query parameters: any is "property X should not exist".
ACCOUNTS_QUERY: Final[tuple[QueryParam, ...]] = ()

#: Header a start request may carry to script the consent page (approve, cancel or manual).
CONSENT_HEADER = "X-Mock-Consent"
CONSENT_OUTCOMES: Final = ("manual", "approve", "cancel")
HINT_HEADER = "X-Ghl-Mock-Hint"
NOTE_HEADER = "X-Ghl-Mock-Note"


def api_endpoint(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Render a failed check here, through errors.py, without Starlette's exception machinery
    (the 401 path is the hot path of a client's retry loop)."""

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as error:
            return render_api_error(error)

    return endpoint


def platform_of(request: Request) -> Platform:
    platform = PLATFORMS.get(request.path_params["platform"])
    if platform is None:
        raise HTTPException(404)
    return platform


@api_endpoint
async def start_oauth(request: Request) -> Response:
    """``GET /social-media-posting/oauth/{platform}/start``: 302 to the (mock) provider's consent page.

    The live API redirects to the provider (research §3.1); the spec's "200" is wrong.
    """
    platform = platform_of(request)
    ctx = context_of(request)
    auth = authorize(
        request, ctx, scope=platform.scope, query_spec=START_QUERY, location_param="locationId", navigation_ok=True
    )
    outcome = request.headers.get(CONSENT_HEADER)
    if outcome is not None and outcome not in CONSENT_OUTCOMES:
        raise MockUsageError(f"{CONSENT_HEADER} must be one of {', '.join(CONSENT_OUTCOMES)}")
    consent = new_consent_request(
        platform.slug,
        auth.query["locationId"],
        auth.query["userId"],
        auth.query.get("page"),
        auth.query.get("reconnect"),
        outcome,
        request.headers.get("x-mock-session"),
        request.headers.get("x-mock-scenario"),
    )
    state = sign_state(ctx.secret, consent, ctx.settings.state_ttl)
    # A JWT is base64url segments joined by dots: already safe in a query string.
    location = f"{public_base(request, ctx)}/__mock/oauth/{platform.slug}/consent?state={state}"
    headers = {"Location": location}
    if auth.principal is None:
        headers[NOTE_HEADER] = "browser navigation without Version/Authorization accepted (--browser-navigation)"
    # Express's res.redirect() body, as HighLevel's NestJS app sends it.
    return PlainTextResponse(f"Found. Redirecting to {location}", status_code=302, headers=headers)


@api_endpoint
async def get_accounts(request: Request) -> Response:
    """``GET /social-media-posting/oauth/{locationId}/{platform}/accounts/{accountId}``.

    The same Version/token checks as start (scope ``socialplanner/oauth.readonly`` per Scopes.md),
    then the grant the consent flow created for ``accountId``.
    """
    platform = platform_of(request)
    ctx = context_of(request)
    location_id = request.path_params["locationId"]
    account_id = request.path_params["accountId"]
    authorize(request, ctx, scope=platform.scope, query_spec=ACCOUNTS_QUERY, path_location=location_id)
    grant = ctx.state.grant(account_id)
    if grant is None or grant.platform != platform.slug or grant.location_id != location_id:
        reason = "no grant with this accountId" if grant is None else "accountId was granted for another location"
        raise ApiError(ACCOUNT_NOT_FOUND, reason)
    return JSONResponse(
        {
            "success": True,
            "statusCode": 200,
            "message": platform.accounts_message,
            "results": {
                "profile": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "username": p.username,
                        "avatar": p.avatar,
                        "verified": p.verified,
                        "isConnected": True,
                        "type": p.type,
                    }
                    for p in grant.profiles
                ]
            },
        }
    )


async def documented_but_missing(request: Request) -> Response:
    """The docs' prose path without ``{locationId}``: the live API has no such route (research §4.3)."""
    platform = platform_of(request)
    response = not_found(request.method, raw_path_of(request))
    response.headers[HINT_HEADER] = header_safe(
        f"the docs' path is wrong; use /social-media-posting/oauth/{{locationId}}/{platform.slug}"
        f"/accounts/{request.path_params['accountId'][:64]}"
    )
    return response


def public_base(request: Request, ctx: MockContext) -> str:
    """The base URL redirects use: ``--public-url``, else the scheme and Host the client used."""
    if ctx.settings.public_url:
        return ctx.settings.public_url.rstrip("/")
    scope = request.scope
    host = next((value.decode("latin-1") for name, value in scope["headers"] if name == b"host"), None)
    if host is None:
        server_host, port = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server_host}:{port}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


routes: Final = [
    Route("/social-media-posting/oauth/{platform}/start", start_oauth, methods=["GET"]),
    Route("/social-media-posting/oauth/{locationId}/{platform}/accounts/{accountId}", get_accounts, methods=["GET"]),
    Route("/social-media-posting/oauth/{platform}/accounts/{accountId}", documented_but_missing, methods=["GET"]),
]

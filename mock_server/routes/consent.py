"""The browser side of the flow: the stand-in TikTok consent page and HighLevel's finish page.

``GET /__mock/oauth/{platform}/consent?state=…`` is where the start endpoint's 302 lands. Its
Authorize and Cancel buttons go to ``GET /__mock/oauth/{platform}/finish?state=…&decision=…``,
which creates the grant (on approve) and posts the payload to ``window.opener``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from mock_server.context import MockContext, context_of
from mock_server.oauth_state import ConsentRequest, StateError, read_state
from mock_server.payload import build_payload, is_reconnect
from mock_server.platforms import Platform
from mock_server.routes.oauth import CONSENT_OUTCOMES, platform_of

templates: Final = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

#: Pages run only our own static script; the payload travels in a JSON data block, never as code.
#: No Cross-Origin-Opener-Policy: the finish page must keep its ``window.opener``.
PAGE_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, template, context, status_code=status_code, headers=PAGE_HEADERS)


def state_error(request: Request, platform: Platform, reason: str) -> Response:
    return page(request, "state_error.html", {"reason": reason, "platform": platform}, status_code=400)


def verified_state(request: Request, ctx: MockContext, platform: Platform) -> ConsentRequest:
    consent = read_state(ctx.secret, request.query_params.get("state"))
    if consent.platform != platform.slug:
        raise StateError(f"the state was issued for {consent.platform}, not {platform.slug}")
    return consent


async def consent_page(request: Request) -> Response:
    platform = platform_of(request)
    ctx = context_of(request)
    try:
        consent = verified_state(request, ctx, platform)
    except StateError as exc:
        return state_error(request, platform, str(exc))
    outcome = request.query_params.get("outcome") or consent.outcome or ctx.settings.consent_outcome
    if outcome not in CONSENT_OUTCOMES:
        return state_error(request, platform, f"outcome must be one of {', '.join(CONSENT_OUTCOMES)}")
    if outcome != "manual":
        # Headless control: answer as if the user had clicked, without rendering the page.
        query = urlencode({"state": request.query_params["state"], "decision": outcome})
        return RedirectResponse(f"finish?{query}", status_code=303, headers=PAGE_HEADERS)
    location = ctx.fixtures.location(consent.location_id)
    return page(
        request,
        "consent.html",
        {
            "platform": platform,
            "consent": consent,
            "location": location,
            "user": next((u for u in location.users if u.id == consent.user_id), None) if location else None,
            "profiles": ctx.fixtures.profiles_for(consent.location_id),
            "reconnect": is_reconnect(consent.reconnect),
            "state": request.query_params["state"],
        },
    )


async def finish_page(request: Request) -> Response:
    platform = platform_of(request)
    ctx = context_of(request)
    try:
        consent = verified_state(request, ctx, platform)
    except StateError as exc:
        return state_error(request, platform, str(exc))
    decision = request.query_params.get("decision")
    if decision not in ("approve", "cancel"):
        return state_error(request, platform, "decision must be approve or cancel")
    if not ctx.state.use_state(consent.nonce):
        return state_error(request, platform, "this authorization was already completed; start the flow again")
    outcome: Literal["approve", "cancel"] = "approve" if decision == "approve" else "cancel"
    account_id = None
    if outcome == "approve":
        profiles = ctx.fixtures.profiles_for(consent.location_id)
        account_id = ctx.state.add_grant(platform.slug, consent.location_id, consent.user_id, profiles).account_id
    location = ctx.fixtures.location(consent.location_id)
    payload = build_payload(
        outcome,
        platform=platform.slug,
        page=consent.page,
        reconnect=consent.reconnect,
        account_id=account_id,
        reconnect_accounts=location.connected_accounts if location else (),
    )
    return page(
        request,
        "finish.html",
        {
            "platform": platform,
            "outcome": outcome,
            "message": {"payload": payload.wire(), "targetOrigin": ctx.settings.post_message_origin},
        },
    )


routes: Final = [
    Route("/__mock/oauth/{platform}/consent", consent_page, methods=["GET"]),
    Route("/__mock/oauth/{platform}/finish", finish_page, methods=["GET"]),
]

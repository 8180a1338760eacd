"""The browser side of the flow: the stand-in TikTok consent page and HighLevel's finish page.

``GET /__mock/oauth/{platform}/consent?state=…`` is where the start endpoint's 302 lands. Its
Authorize and Cancel buttons go to ``GET /__mock/oauth/{platform}/finish?state=…&decision=…``,
which creates the grant (on approve) and posts the payload to ``window.opener``.
"""

from __future__ import annotations

from typing import Final, Literal
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mock_server.context import MockContext, context_of
from mock_server.oauth_state import ConsentRequest, StateError, read_state
from mock_server.pages import PAGE_HEADERS, page
from mock_server.payload import build_payload, is_reconnect
from mock_server.platforms import Platform
from mock_server.routes.oauth import CONSENT_OUTCOMES, platform_of
from mock_server.scenarios.middleware import CONSENT_EFFECT_KEY


def state_error(request: Request, platform: Platform, reason: str) -> Response:
    return page(request, "state_error.html", {"reason": reason, "platform": platform}, status_code=400)


def verified_state(request: Request, ctx: MockContext, platform: Platform) -> ConsentRequest:
    consent = read_state(ctx.secret, request.query_params.get("state"))
    if consent.platform != platform.slug:
        raise StateError(f"the state was issued for {consent.platform}, not {platform.slug}")
    return consent


def with_state(request: Request) -> tuple[Platform, MockContext, ConsentRequest] | Response:
    """The platform, context and verified consent request, or the 400 page for a bad ``state``."""
    platform = platform_of(request)
    ctx = context_of(request)
    try:
        return platform, ctx, verified_state(request, ctx, platform)
    except StateError as exc:
        return state_error(request, platform, str(exc))


async def consent_page(request: Request) -> Response:
    found = with_state(request)
    if isinstance(found, Response):
        return found
    platform, ctx, consent = found
    scripted = request.scope.get(CONSENT_EFFECT_KEY)
    outcome = request.query_params.get("outcome") or consent.outcome or ctx.settings.consent_outcome
    if outcome not in CONSENT_OUTCOMES:
        return state_error(request, platform, f"outcome must be one of {', '.join(CONSENT_OUTCOMES)}")
    if scripted is not None:
        decision, effect = SCRIPTED_CONSENT[scripted]
        return finish_redirect(request, decision, effect)
    if outcome != "manual":
        return finish_redirect(request, outcome, None)
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


#: A scenario's consent action → (the decision, the finish page's effect).
SCRIPTED_CONSENT: Final[dict[str, tuple[str, str | None]]] = {
    "approve": ("approve", None),
    "cancel": ("cancel", None),
    "approve_reconnect": ("approve", "reconnect"),
    "never_post": ("approve", "never_post"),
    "reject_account": ("approve", "reject_account"),
}
EFFECTS: Final = ("reconnect", "never_post", "reject_account")


def finish_redirect(request: Request, decision: str, effect: str | None) -> Response:
    """Headless control: answer as if the user had clicked, without rendering the page."""
    query = {"state": request.query_params["state"], "decision": decision}
    if effect is not None:
        query["effect"] = effect
    return RedirectResponse(f"finish?{urlencode(query)}", status_code=303, headers=PAGE_HEADERS)


async def finish_page(request: Request) -> Response:
    if request.method != "GET":
        raise HTTPException(405)  # HEAD must not complete a grant; answered as NestJS's 404
    found = with_state(request)
    if isinstance(found, Response):
        return found
    platform, ctx, consent = found
    decision = request.query_params.get("decision")
    if decision not in ("approve", "cancel"):
        return state_error(request, platform, "decision must be approve or cancel")
    effect = request.query_params.get("effect")
    if effect is not None and effect not in EFFECTS:
        return state_error(request, platform, f"effect must be one of {', '.join(EFFECTS)}")
    if not ctx.state.use_state(consent.nonce):
        return state_error(request, platform, "this authorization was already completed; start the flow again")
    outcome: Literal["approve", "cancel"] = "approve" if decision == "approve" else "cancel"
    account_id = None
    if outcome == "approve":
        profiles = ctx.fixtures.profiles_for(consent.location_id)
        grant = ctx.state.add_grant(
            platform.slug, consent.location_id, consent.user_id, profiles, store=effect != "reject_account"
        )
        account_id = grant.account_id
    location = ctx.fixtures.location(consent.location_id)
    payload = build_payload(
        outcome,
        platform=platform.slug,
        page=consent.page,
        reconnect="true" if effect == "reconnect" else consent.reconnect,
        account_id=account_id,
        reconnect_accounts=location.connected_accounts if location else (),
    )
    return page(
        request,
        "finish.html",
        {
            "platform": platform,
            "outcome": outcome,
            "message": {
                "payload": payload.wire(),
                "targetOrigin": ctx.settings.post_message_origin,
                "post": effect != "never_post",
            },
        },
    )


routes: Final = [
    Route("/__mock/oauth/{platform}/consent", consent_page, methods=["GET"]),
    Route("/__mock/oauth/{platform}/finish", finish_page, methods=["GET"]),
]

"""The browser side of the flow: the stand-in provider consent page and HighLevel's finish page.

``GET /__mock/oauth/{platform}/consent?state=…`` is where the start endpoint's 302 lands. Its
Authorize and Cancel buttons go to ``GET /__mock/oauth/{platform}/finish?state=…&decision=…``,
which creates the grant (on approve) and posts the payload to ``window.opener``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final, Literal
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ghl_mock.context import MockContext, context_of
from ghl_mock.errors import MockUsageError, diagnose, mock_usage_error
from ghl_mock.handlers import CONSENT_OUTCOMES
from ghl_mock.oauth_state import ConsentRequest, StateError, read_state
from ghl_mock.pages import PAGE_HEADERS, page, wants_json
from ghl_mock.payload import build_payload, is_reconnect
from ghl_mock.pipeline import act, decide, session_of
from ghl_mock.platforms import PLATFORMS, Platform
from ghl_mock.wire import SCENARIO_HEADER, SESSION_HEADER


def platform_of(request: Request) -> Platform:
    platform = PLATFORMS.get(request.path_params["platform"])
    if platform is None:
        raise HTTPException(404)
    return platform


def state_error(request: Request, platform: Platform, reason: str) -> Response:
    diagnosis = diagnose(request.scope, "state_invalid", reason)
    if wants_json(request):
        return JSONResponse({"statusCode": 400, "message": reason}, 400, headers={**PAGE_HEADERS, **diagnosis})
    context = {"reason": reason, "platform": platform}
    return page(request, "state_error.html", context, status_code=400, headers=diagnosis)


def verified_state(request: Request, ctx: MockContext, platform: Platform) -> ConsentRequest:
    consent = read_state(ctx.secret, request.query_params.get("state"))
    if consent.platform != platform.slug:
        raise StateError(f"the state was issued for {consent.platform}, not {platform.slug}")
    return consent


PageHandler = Callable[[Request, Platform, MockContext, ConsentRequest, str | None], Awaitable[Response]]


def scripted_page(kind: Literal["consent", "finish"], handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
    """A browser page on the pipeline: the state is decoded once; its session and scenario (the
    start request's headers, carried in the signed state) select the scenario step."""

    async def run(request: Request) -> Response:
        platform = platform_of(request)
        ctx = context_of(request)
        try:
            consent: ConsentRequest | StateError = verified_state(request, ctx, platform)
        except StateError as exc:
            consent = exc
        headers = request.headers
        session = headers.get(SESSION_HEADER.lower())
        only = headers.get(SCENARIO_HEADER.lower())
        if isinstance(consent, ConsentRequest):
            session, only = consent.session or session, consent.scenario or only
        try:
            decision = decide(ctx, kind, platform.slug, request, session_of(session, request.scope), only)
        except MockUsageError as exc:
            return mock_usage_error(str(exc), scope=request.scope)

        async def normal(_expire: bool = False, scripted: str | None = None) -> Response:
            if isinstance(consent, StateError):
                return state_error(request, platform, str(consent))
            return await handler(request, platform, ctx, consent, scripted)

        if decision is None:
            return await normal()
        if decision.step.consent is not None:
            scripted = decision.step.consent
            return await act(decision, ctx, request, lambda _e: normal(scripted=scripted), platform)
        return await act(decision, ctx, request, normal, platform)

    run.__name__ = f"{kind}_page"
    return run


async def consent_page(
    request: Request, platform: Platform, ctx: MockContext, consent: ConsentRequest, scripted: str | None
) -> Response:
    outcome = request.query_params.get("outcome") or consent.outcome or ctx.settings.consent_outcome
    if outcome not in CONSENT_OUTCOMES:
        return state_error(request, platform, f"outcome must be one of {', '.join(CONSENT_OUTCOMES)}")
    if scripted is not None:
        decision, effect = SCRIPTED_CONSENT[scripted]
        return finish_redirect(request, decision, effect)
    if outcome != "manual":
        return finish_redirect(request, outcome, None)
    location = ctx.fixtures.location(consent.location_id)
    items = []
    for item in ctx.fixtures.items_for(consent.location_id, platform.slug):
        name, detail = platform.describe(item)
        items.append((name, detail, bool(getattr(item, "verified", False))))
    return page(
        request,
        "consent.html",
        {
            "platform": platform,
            "consent": consent,
            "location": location,
            "user": next((u for u in location.users if u.id == consent.user_id), None) if location else None,
            "items": items,
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


async def finish_page(
    request: Request, platform: Platform, ctx: MockContext, consent: ConsentRequest, scripted: str | None
) -> Response:
    if request.method != "GET":
        raise HTTPException(405)  # HEAD must not complete a grant; answered as NestJS's 404
    decision = request.query_params.get("decision")
    if decision not in ("approve", "cancel"):
        return state_error(request, platform, "decision must be approve or cancel")
    effect = request.query_params.get("effect")
    if effect is not None and effect not in EFFECTS:
        return state_error(request, platform, f"effect must be one of {', '.join(EFFECTS)}")
    refused = ctx.state.use_state(consent.nonce, consent.expires)
    if refused is not None:
        return state_error(request, platform, refused)
    outcome: Literal["approve", "cancel"] = "approve" if decision == "approve" else "cancel"
    account_id = None
    # What a reconnect reports: the accounts connected before this grant (seeded, then the state's).
    before = ctx.fixtures.connected_before(consent.location_id, platform.slug) + tuple(
        account.id for account in ctx.state.accounts(consent.location_id, platform.slug)
    )
    if outcome == "approve":
        items = ctx.fixtures.items_for(consent.location_id, platform.slug)
        stored = effect != "reject_account"
        grant = ctx.state.add_grant(platform.slug, consent.location_id, consent.user_id, items, store=stored)
        account_id = grant.account_id
        if stored and platform.connects_on_consent is not None:
            for item in items:
                ctx.state.connect(grant, platform.connects_on_consent(item))
    payload = build_payload(
        outcome,
        platform=platform.slug,
        page=consent.page,
        reconnect="true" if effect == "reconnect" else consent.reconnect,
        account_id=account_id,
        reconnect_accounts=tuple(dict.fromkeys(before)),
    )
    message = {
        "payload": payload.wire(),
        "targetOrigin": ctx.settings.post_message_origin,
        "post": effect != "never_post",
    }
    if wants_json(request):  # what the page would post, for a client that is not a browser
        return JSONResponse(message, headers=PAGE_HEADERS)
    return page(request, "finish.html", {"platform": platform, "outcome": outcome, "message": message})


routes: Final = [
    Route("/__mock/oauth/{platform}/consent", scripted_page("consent", consent_page), methods=["GET"]),
    Route("/__mock/oauth/{platform}/finish", scripted_page("finish", finish_page), methods=["GET"]),
]

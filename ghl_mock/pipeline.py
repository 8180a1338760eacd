"""One request pipeline for every operation: session → scenario step → checks → handler → render.

``endpoint(op)`` is the Starlette endpoint of an operations-table row. A scripted answer
(``Prefer: code=``, then a scenario step) is chosen here, after routing, on the operation's kind
and platform; a passthrough step runs the checks and the handler like an unscripted request.
Every answer a step produced carries ``X-Ghl-Mock-Step: scenario/step-number``. The diagnosis
(rule, reason, step, session) goes into the request scope, where the journal reads it.
The browser pages (routes/consent.py) use ``decide`` and ``act`` the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from ghl_mock.checks import authorize
from ghl_mock.context import MockContext, context_of
from ghl_mock.errors import ApiError, MockUsageError, diagnose, mock_usage_error, render_api_error
from ghl_mock.handlers import HANDLERS, Call
from ghl_mock.operations import Operation
from ghl_mock.platforms import Platform
from ghl_mock.scenarios import actions
from ghl_mock.scenarios.engine import API_ENDPOINTS, DEFAULT_SESSION, Decision, RequestView
from ghl_mock.scenarios.names import unknown_scenario
from ghl_mock.validation import validate_body
from ghl_mock.wire import SCENARIO_HEADER, SESSION_HEADER, SESSION_KEY, STEP_HEADER, STEP_KEY

#: Session keys are kept per cursor, journal entry and consent state: keep them short.
MAX_SESSION_KEY = 200

#: The normal answer, for steps that pass through or alter it (``expire_accounts``: the list's flag).
Normal = Callable[[bool], Awaitable[Response]]


def endpoint(op: Operation) -> Callable[[Request], Awaitable[Response]]:
    missing = _missing_body(op)

    async def run(request: Request) -> Response:
        ctx = context_of(request)
        scope = request.scope
        wanted = _wanted(scope)

        async def normal(expire_accounts: bool = False) -> Response:
            return await answer(op, request, ctx, expire_accounts)

        try:
            session = session_of(wanted.get(b"x-mock-session"), scope)
            decision = decide(
                ctx,
                op.kind,
                op.platform.slug if op.platform else None,
                request,
                session,
                wanted.get(b"x-mock-scenario"),
                prefer=(op.success, wanted.get(b"prefer"), missing),
            )
        except MockUsageError as exc:
            return mock_usage_error(str(exc), scope=scope)
        if decision is None:
            return await normal(False)
        return await act(decision, ctx, request, normal, op.platform)

    run.__name__ = op.operation_id.replace("-", "_")
    return run


async def answer(op: Operation, request: Request, ctx: MockContext, expire_accounts: bool = False) -> Response:
    """The checks, then the handler; a failed check is rendered here (the only place)."""
    try:
        auth = await authorize(op, request, ctx)
        return await HANDLERS[op.kind](Call(op, ctx, request, auth, expire_accounts))
    except ApiError as error:
        return render_api_error(error, request.scope)
    except MockUsageError as exc:
        return mock_usage_error(str(exc), scope=request.scope)


def session_of(header: str | None, scope: Scope) -> str:
    session = header or DEFAULT_SESSION
    if len(session) > MAX_SESSION_KEY:
        raise MockUsageError(f"{SESSION_HEADER} must be at most {MAX_SESSION_KEY} characters")
    scope[SESSION_KEY] = session
    return session


def decide(
    ctx: MockContext,
    kind: str,
    platform: str | None,
    request: Request,
    session: str,
    only: str | None,
    *,
    prefer: tuple[int, str | None, list[str]] | None = None,
) -> Decision | None:
    """The step that answers this request (consumed), or None: answer normally."""
    if prefer is not None and kind in API_ENDPOINTS:
        success, header, body_field = prefer
        forced = actions.prefer_step(kind, success, header, body_field)
        if forced is not None:
            return Decision("prefer", 0, forced, 0.0)
    engine = ctx.state.engine
    if only is None and not engine.has_active:
        return None  # the common case: nothing scripted applies
    if only is not None and not engine.knows(only):
        raise MockUsageError(f"{SCENARIO_HEADER}: {unknown_scenario(only, engine.scenarios)}")
    view = RequestView(kind, request.method, request.query_params.multi_items(), Headers(scope=request.scope), platform)
    return engine.decide(view, session, only)


async def act(
    decision: Decision, ctx: MockContext, request: Request, normal: Normal, platform: Platform | None = None
) -> Response:
    """Answer as the step says, marked with its label."""
    scope = request.scope
    label = decision.label
    scope[STEP_KEY] = label
    if decision.delay_seconds and not await actions.delay(decision.delay_seconds, ctx.state.stopping, scope):
        diagnose(scope, None, "the client disconnected during the scripted delay")
        return actions.EmptyReplyResponse()  # nothing to answer: the connection is gone
    step = decision.step
    action = step.action
    response: Response
    if action == "error" and step.error is not None:
        response = actions.error_response(step.error, scope, platform)
    elif action == "rate_limit" and step.rate_limit is not None:
        diagnose(scope, None, "scripted rate limit")
        response = actions.rate_limit_response(step.rate_limit)
    elif action == "gateway" and step.gateway is not None:
        diagnose(scope, None, f"scripted gateway {step.gateway}")
        response = actions.gateway_response(step.gateway)
    elif action == "raw" and step.raw is not None:
        response = actions.raw_response(step.raw)
    elif action == "hang" and step.hang is not None:
        return actions.HangResponse(step.hang.seconds, ctx.state.stopping, label)
    elif action == "broken" and step.broken == "empty_reply":
        return actions.EmptyReplyResponse()
    elif action == "broken" and step.broken == "malformed_json":
        response = actions.malformed_json_response(await normal(False))
    elif action == "broken":
        inner = await normal(False)
        inner.headers[STEP_HEADER] = label
        return actions.TruncatedResponse(inner)
    else:  # passthrough, expire_accounts (and consent, which the consent page reads itself)
        response = await normal(action == "expire_accounts")
    response.headers[STEP_HEADER] = label
    return response


_WANTED = (b"x-mock-session", b"x-mock-scenario", b"prefer")


def _wanted(scope: Scope) -> dict[bytes, str]:
    """The pipeline's own request headers, in one pass over the raw headers (this runs per request)."""
    found: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in _WANTED and name not in found:
            found[name] = value.decode("latin-1")
    return found


def _missing_body(op: Operation) -> list[str]:
    """What the operation's validation says of an empty body (a forced 422 says the same)."""
    try:
        validate_body({}, op.body or ())
    except ApiError as error:
        return list(error.messages or [])
    return []

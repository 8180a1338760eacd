"""Where scenarios meet the HTTP stack: an ASGI middleware in front of the routes.

For a scriptable endpoint it picks the scenario step (``Prefer: code=`` first, then the scenario
named by ``X-Mock-Scenario``, else the active ones, all keyed by ``X-Mock-Session``), applies the
step's delay, and answers for it, or lets the request through. Every answer a step produced
carries ``X-Ghl-Mock-Step: scenario/step-number``.

Browser pages (consent, finish) cannot send headers: the start request's session and scenario
ride in the signed ``state`` and are read back here.
"""

from __future__ import annotations

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.context import MockContext
from mock_server.errors import MockUsageError, mock_usage_error
from mock_server.oauth_state import StateError, read_state
from mock_server.recording import SESSION_KEY, STEP_KEY
from mock_server.scenarios import actions
from mock_server.scenarios.engine import DEFAULT_SESSION, Decision, RequestView, classify
from mock_server.scenarios.model import Step

SESSION_HEADER = "X-Mock-Session"
SCENARIO_HEADER = "X-Mock-Scenario"
STEP_HEADER = "X-Ghl-Mock-Step"
#: Session keys are kept per cursor, journal entry and consent state: keep them short.
MAX_SESSION_KEY = 200
#: Where the consent page finds a scripted consent outcome.
CONSENT_EFFECT_KEY = "ghl_mock.consent_effect"


class ScenarioMiddleware:
    def __init__(self, app: ASGIApp, ctx: MockContext):
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Only requests that reach a mocked route can be scripted (other methods are 404s).
        endpoint = classify(scope["path"]) if scope["method"] in ("GET", "HEAD") else None
        wanted = _header_values(scope)
        session, only = wanted.get(b"x-mock-session"), wanted.get(b"x-mock-scenario")
        if endpoint in ("consent", "finish"):
            state = QueryParams(scope.get("query_string", b"")).get("state")
            session, only = self._from_state(state, session, only)
        session = session or DEFAULT_SESSION
        if endpoint is not None and len(session) > MAX_SESSION_KEY:
            await mock_usage_error(f"{SESSION_HEADER} must be at most {MAX_SESSION_KEY} characters")(
                scope, receive, send
            )
            return
        scope[SESSION_KEY] = session[:MAX_SESSION_KEY]
        engine = self.ctx.state.engine
        if endpoint is None or (only is None and b"prefer" not in wanted and not engine.has_active):
            await self.app(scope, receive, send)  # the common case: nothing scripted applies
            return
        try:
            query = QueryParams(scope.get("query_string", b""))
            decision = self._decide(endpoint, scope, wanted.get(b"prefer"), query, session, only)
        except MockUsageError as exc:
            await mock_usage_error(str(exc))(scope, receive, send)
            return
        if decision is None:
            await self.app(scope, receive, send)
            return
        scope[STEP_KEY] = decision.label
        await self._answer(decision, endpoint, scope, receive, _with_step_header(send, decision.label))

    def _from_state(self, state: str | None, session: str | None, only: str | None) -> tuple[str | None, str | None]:
        try:
            consent = read_state(self.ctx.secret, state)
        except StateError:
            return session, only  # the page itself reports the bad state
        return consent.session or session, consent.scenario or only

    def _decide(
        self, endpoint: str, scope: Scope, prefer: str | None, query: QueryParams, session: str, only: str | None
    ) -> Decision | None:
        forced = actions.prefer_step(endpoint, prefer)
        if forced is not None:
            return Decision("prefer", 0, forced, 0.0)
        engine = self.ctx.state.engine
        if only is not None and not engine.knows(only):
            known = ", ".join(sorted(engine.scenarios)) or "(none loaded)"
            raise MockUsageError(f"{SCENARIO_HEADER}: no scenario named {only!r}; loaded: {known}")
        view = RequestView(endpoint, scope["method"], query.multi_items(), Headers(scope=scope))
        return engine.decide(view, session, only)

    async def _answer(self, decision: Decision, endpoint: str, scope: Scope, receive: Receive, send: Send) -> None:
        if decision.delay_seconds:
            await actions.delay(decision.delay_seconds, self.ctx.state.stopping)
        step = decision.step
        action = step.action
        if action == "error" and step.error is not None:
            await actions.error_response(step.error)(scope, receive, send)
        elif action == "rate_limit" and step.rate_limit is not None:
            await actions.rate_limit_response(step.rate_limit)(scope, receive, send)
        elif action == "gateway" and step.gateway is not None:
            await actions.gateway_response(step.gateway)(scope, receive, send)
        elif action == "raw" and step.raw is not None:
            await actions.raw_response(step.raw)(scope, receive, send)
        elif action == "hang" and step.hang is not None:
            if await actions.hang(scope, receive, step.hang.seconds, self.ctx.state.stopping):
                await actions.gateway_response(504)(scope, receive, send)
        elif action == "broken":
            await self._broken(step, scope, receive, send)
        elif action == "consent":
            scope[CONSENT_EFFECT_KEY] = step.consent
            await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _broken(self, step: Step, scope: Scope, receive: Receive, send: Send) -> None:
        if step.broken == "empty_reply":
            await actions.empty_reply(scope)
        elif step.broken == "malformed_json":
            await actions.malformed_json_response()(scope, receive, send)
        else:
            start, body = await _capture(self.app, scope, receive)
            await actions.truncated_body(scope, send, start, body)


_WANTED = (b"x-mock-session", b"x-mock-scenario", b"prefer")


def _header_values(scope: Scope) -> dict[bytes, str]:
    """The few headers this middleware needs, in one pass over the raw headers."""
    found: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in _WANTED and name not in found:
            found[name] = value.decode("latin-1")
    return found


def _with_step_header(send: Send, label: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {
                **message,
                "headers": [*message.get("headers", []), (STEP_HEADER.lower().encode(), label.encode())],
            }
        await send(message)

    return wrapped


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[Message, bytes]:
    """Run the app and keep its whole answer instead of sending it."""
    start: Message = {}
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    return start, b"".join(chunks)

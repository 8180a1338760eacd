"""The one ASGI layer in front of the routes: journal, CORS, routing of the API, error rendering.

Starlette's default stack puts five layers (server errors, each user middleware, exceptions,
router, per-route exception wrapper) before an endpoint. Here one ``Front`` does their work:

- an operation of the table is found by ``routes.oauth.match`` (a split and a dictionary
  lookup) and its endpoint is awaited directly; everything else (browser pages, the control
  API, static files, unknown paths) goes to Starlette's router, unchanged;
- ``ApiError``, ``MockUsageError``, Starlette's 404/405 and any unexpected exception become a
  response here, through ``errors.py`` (the only renderer); an unexpected one is recorded for
  ``/__mock/errors`` and re-raised after its 500, as Starlette's server-error layer does;
- the journal entry is written here, from the request scope, and the access-log line
  (``access_log.py``) when ``serve`` asked for one;
- CORS runs only for requests that carry ``Origin``, only when origins are configured, and never
  for ``/__mock/*`` (a page on an allowed origin must not read the journal or rewire the mock).
"""

from __future__ import annotations

import traceback

from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ghl_mock.access_log import AccessLog
from ghl_mock.context import MockContext
from ghl_mock.cors import ALLOWED_HEADERS, EXPOSED_HEADERS
from ghl_mock.errors import (
    ApiError,
    MockUsageError,
    internal_error,
    mock_usage_error,
    not_found,
    raw_path_of,
    render_api_error,
)
from ghl_mock.operations import METHODS
from ghl_mock.recording import Recorder, recorded
from ghl_mock.routes.oauth import match
from ghl_mock.wire import CONTEXT_KEY

#: Starlette's per-route exception wrapper reads its handlers from here; none: exceptions reach Front.
_NO_HANDLERS: tuple[dict[object, object], dict[int, object]] = ({}, {})


class Front:
    def __init__(
        self, router: ASGIApp, ctx: MockContext, cors_origin_regex: str | None, access_log: AccessLog | None = None
    ) -> None:
        self.router = router
        self.ctx = ctx
        self.recorder = Recorder(ctx.state.journal, access_log)
        self.cors: ASGIApp | None = None
        if cors_origin_regex is not None:
            self.cors = CORSMiddleware(
                self.answer,
                allow_origin_regex=cors_origin_regex,
                allow_methods=[*METHODS, "OPTIONS"],
                allow_headers=list(ALLOWED_HEADERS),
                expose_headers=list(EXPOSED_HEADERS),
                max_age=600,
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.router(scope, receive, send)  # lifespan
            return
        inner: ASGIApp = self.answer
        if (
            self.cors is not None
            and not scope["path"].startswith("/__mock/")  # the mock's own routes: never read by other pages
            and _has_origin(scope["headers"])
        ):
            inner = self.cors
        journalled = recorded(scope["path"])
        if journalled or self.recorder.access_log is not None:
            await self.recorder.record(inner, scope, receive, send, journalled)
        else:
            await inner(scope, receive, send)

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[CONTEXT_KEY] = self.ctx
        found = match(scope)
        if found is None:
            await self.routed(scope, receive, send)
            return
        run, params = found
        scope["path_params"] = params
        try:
            response = await run(Request(scope, receive))
        except Exception as exc:  # nothing was sent yet: endpoints return their answer
            await self.fail(scope, receive, send, exc)
            return
        try:
            await response(scope, receive, send)
        except Exception as exc:
            # A scripted network fault raises from here on purpose: it must reach the client as
            # one. Anything else is a bug in a response class: recorded, then uvicorn's own 500.
            if not getattr(exc, "network_fault", False):
                self.record(scope, exc)
            raise

    async def routed(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Browser pages, the control API, static files and unknown paths: Starlette's router."""
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        scope["starlette.exception_handlers"] = _NO_HANDLERS
        try:
            await self.router(scope, receive, watch)
        except Exception as exc:
            if started or getattr(exc, "network_fault", False):
                raise  # nothing more can be said on this response; a scripted fault stays one
            await self.fail(scope, receive, watch, exc)

    async def fail(self, scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
        """Answer for an exception raised before anything was sent; a bug is re-raised after its 500."""
        response, bug = self.render(scope, exc)
        await response(scope, receive, send)
        if bug:
            raise exc

    def render(self, scope: Scope, exc: Exception) -> tuple[Response, bool]:
        """The answer for an exception an endpoint raised, and whether it is a bug to re-raise."""
        if isinstance(exc, ApiError):
            return render_api_error(exc, scope), False
        if isinstance(exc, MockUsageError):
            return mock_usage_error(str(exc), scope=scope), False
        if isinstance(exc, HTTPException):  # an unmatched route (404) or method (405): NestJS says 404
            return not_found(scope["method"], raw_path_of(Request(scope)), scope), False
        self.record(scope, exc)
        return internal_error(None), True  # the journal's reason is the exception itself

    def record(self, scope: Scope, exc: Exception) -> None:
        """Keep an unexpected exception where ``/__mock/errors`` and the plugin's teardown see it."""
        where = f"{scope['method']} {scope['path']}: "
        self.ctx.state.record_error(where + "".join(traceback.format_exception(exc)))


def _has_origin(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, _ in headers:  # noqa: SIM110 - a loop, not any() over a generator: this runs per request
        if name == b"origin":
            return True
    return False

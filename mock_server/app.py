"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from mock_server.context import MockContext
from mock_server.cors import cors_middleware
from mock_server.errors import (
    ApiError,
    MockUsageError,
    handle_api_error,
    handle_http_exception,
    handle_mock_usage_error,
    handle_unexpected,
)
from mock_server.fixtures import Fixtures, load_fixtures
from mock_server.recording import JournalMiddleware
from mock_server.routes import consent, control, mock_api, oauth
from mock_server.scenarios.loader import LoadResult, load_directory
from mock_server.settings import Settings


def create_app(
    settings: Settings | None = None, fixtures: Fixtures | None = None, scenarios: LoadResult | None = None
) -> Starlette:
    """Build the mock. Fixtures and scenarios load here, so bad files fail before the server binds."""
    settings = settings or Settings()
    fixtures = fixtures or load_fixtures(settings.fixtures)
    scenarios = scenarios or load_directory(settings.scenarios_dir)
    ctx = MockContext.build(settings, fixtures, scenarios)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not settings.watch:
            yield
            return
        from mock_server.watch import watching

        async with watching(ctx):
            yield

    app = Starlette(
        routes=[*oauth.routes, *consent.routes, *control.routes, *mock_api.routes],
        middleware=[
            Middleware(JournalMiddleware, journal=ctx.state.journal),
            *cors_middleware(settings.cors_origins),
        ],
        exception_handlers={
            ApiError: handle_api_error,
            MockUsageError: handle_mock_usage_error,
            HTTPException: handle_http_exception,
            Exception: handle_unexpected,
        },
        lifespan=lifespan,
    )
    # NestJS answers "/start/" with its 404, not a redirect to "/start".
    app.router.redirect_slashes = False
    app.state.ctx = ctx
    return app

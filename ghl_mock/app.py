"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.types import ASGIApp

from ghl_mock.access_log import AccessLog
from ghl_mock.context import MockContext
from ghl_mock.cors import origin_regex
from ghl_mock.fixtures import Fixtures, load_fixtures
from ghl_mock.front import Front
from ghl_mock.routes import consent, control, control_tools, mock_api, oauth
from ghl_mock.scenarios.loader import LoadResult, load_directories
from ghl_mock.settings import Settings


def create_app(
    settings: Settings | None = None,
    fixtures: Fixtures | None = None,
    scenarios: LoadResult | None = None,
    *,
    access_log: AccessLog | None = None,
) -> Starlette:
    """Build the mock. Fixtures and scenarios load here, so bad files fail before the server binds.

    ``access_log``: where ``serve`` wants one line per request (in-process and ``LiveServer``: none).
    """
    settings = settings or Settings()
    fixtures = fixtures or load_fixtures(settings.fixtures)
    scenarios = scenarios or load_directories(settings.scenario_dirs)
    ctx = MockContext.build(settings, fixtures, scenarios)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            if not settings.watch:
                yield
                return
            from ghl_mock.watch import watching

            async with watching(ctx):
                yield
        finally:
            if access_log is not None:
                access_log.flush()

    app = MockApp(
        routes=[*oauth.routes, *consent.routes, *control.routes, *control_tools.routes, *mock_api.routes],
        lifespan=lifespan,
    )
    # NestJS answers "/start/" with its 404, not a redirect to "/start".
    app.router.redirect_slashes = False
    app.state.ctx = ctx
    app.front = Front(app.router, ctx, origin_regex(settings.cors_origins), access_log)
    return app


class MockApp(Starlette):
    """Starlette with one layer in front of its router (``front.Front``) instead of its default stack."""

    front: Front

    def build_middleware_stack(self) -> ASGIApp:
        return self.front

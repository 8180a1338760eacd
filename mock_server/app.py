"""The ASGI application factory."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from mock_server.context import MockContext
from mock_server.errors import ApiError, handle_api_error, handle_http_exception, handle_unexpected
from mock_server.fixtures import Fixtures, load_fixtures
from mock_server.routes import mock_api, oauth
from mock_server.settings import Settings


def create_app(settings: Settings | None = None, fixtures: Fixtures | None = None) -> Starlette:
    """Build the mock. Loading fixtures here means a bad fixture set fails before the server binds."""
    settings = settings or Settings()
    fixtures = fixtures or load_fixtures(settings.fixtures)
    app = Starlette(
        routes=[*oauth.routes, *mock_api.routes],
        exception_handlers={
            ApiError: handle_api_error,
            HTTPException: handle_http_exception,
            Exception: handle_unexpected,
        },
    )
    app.state.ctx = MockContext.build(settings, fixtures)
    return app

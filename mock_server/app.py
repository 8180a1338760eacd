"""The ASGI application factory."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

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
from mock_server.routes import consent, mock_api, oauth
from mock_server.settings import Settings


def create_app(settings: Settings | None = None, fixtures: Fixtures | None = None) -> Starlette:
    """Build the mock. Loading fixtures here means a bad fixture set fails before the server binds."""
    settings = settings or Settings()
    fixtures = fixtures or load_fixtures(settings.fixtures)
    app = Starlette(
        routes=[*oauth.routes, *consent.routes, *mock_api.routes],
        middleware=cors_middleware(settings.cors_origins),
        exception_handlers={
            ApiError: handle_api_error,
            MockUsageError: handle_mock_usage_error,
            HTTPException: handle_http_exception,
            Exception: handle_unexpected,
        },
    )
    app.state.ctx = MockContext.build(settings, fixtures)
    return app

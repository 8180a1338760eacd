"""What every request handler needs, built once per app from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from mock_server.fixtures import Fixtures
from mock_server.rules import DOCUMENTED_VERSIONS, OBSERVED_VERSIONS
from mock_server.settings import Settings
from mock_server.state import MockState
from mock_server.tokens import TokenVerifier


@dataclass(frozen=True, slots=True)
class MockContext:
    settings: Settings
    fixtures: Fixtures
    verifier: TokenVerifier
    accepted_versions: frozenset[str]
    state: MockState

    @classmethod
    def build(cls, settings: Settings, fixtures: Fixtures) -> MockContext:
        secret = settings.secret.get_secret_value()
        versions = DOCUMENTED_VERSIONS if settings.strict_version else OBSERVED_VERSIONS
        return cls(settings, fixtures, TokenVerifier(secret, fixtures), versions, MockState())

    @property
    def secret(self) -> str:
        return self.settings.secret.get_secret_value()


def context_of(request: Request) -> MockContext:
    ctx = request.app.state.ctx
    assert isinstance(ctx, MockContext)
    return ctx

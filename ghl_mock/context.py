"""What every request handler needs, built once per app from the settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.requests import Request

from ghl_mock.fixtures import Fixtures
from ghl_mock.journal import Journal
from ghl_mock.platforms import Api
from ghl_mock.rules import DOCUMENTED_VERSIONS, OBSERVED_VERSIONS
from ghl_mock.scenarios.engine import ScenarioEngine
from ghl_mock.scenarios.loader import LoadResult, ScenarioError
from ghl_mock.scenarios.names import did_you_mean, listing
from ghl_mock.settings import Settings
from ghl_mock.state import MockState
from ghl_mock.tokens import TokenVerifier
from ghl_mock.wire import CONTEXT_KEY


class ScenarioSetupError(Exception):
    """Scenario files do not load, or a scenario named in the settings does not exist."""

    def __init__(self, errors: list[ScenarioError], unknown: list[str], known: list[str]):
        lines = [str(e) for e in errors]
        if unknown:
            hints = "".join(did_you_mean(name, known) for name in unknown)
            lines.append(f"unknown scenario(s) {', '.join(unknown)}{hints}; loaded: {listing(known)}")
        super().__init__("\n".join(lines))
        self.errors = errors
        self.unknown = unknown


@dataclass(frozen=True, slots=True)
class MockContext:
    settings: Settings
    fixtures: Fixtures
    verifier: TokenVerifier
    #: The Version values each generation's rows accept (``--strict-version``: each spec's enum).
    accepted_versions: Mapping[Api, frozenset[str]]
    state: MockState
    #: The latest scenario load errors (hot reload keeps the last good version of a bad file).
    scenario_errors: list[ScenarioError]

    @classmethod
    def build(cls, settings: Settings, fixtures: Fixtures, scenarios: LoadResult) -> MockContext:
        unknown = [name for name in settings.scenarios if name not in scenarios.scenarios]
        if scenarios.errors or unknown:
            raise ScenarioSetupError(scenarios.errors, unknown, sorted(scenarios.scenarios))
        secret = settings.secret.get_secret_value()
        observed: dict[Api, frozenset[str]] = {"v1": OBSERVED_VERSIONS, "v3": OBSERVED_VERSIONS}
        versions = DOCUMENTED_VERSIONS if settings.strict_version else observed
        engine = ScenarioEngine(scenarios.scenarios, settings.scenarios, settings.seed)
        state = MockState(engine, Journal(settings.journal_size))
        verifier = TokenVerifier(secret, fixtures)
        state.on_reset(verifier.clear)
        return cls(settings, fixtures, verifier, versions, state, [])

    @property
    def secret(self) -> str:
        return self.settings.secret.get_secret_value()


def context_of(request: Request) -> MockContext:
    ctx = request.scope.get(CONTEXT_KEY) or request.app.state.ctx
    assert isinstance(ctx, MockContext)
    return ctx

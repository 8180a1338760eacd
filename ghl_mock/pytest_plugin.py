"""ghl-mock's pytest plugin (entry point ``pytest11: ghl_mock``).

Fixtures:
- ``ghl_mock``: the mock in-process (no socket), reset before each test.
- ``ghl_mock_server``: a live server on 127.0.0.1 (port 0), one per session (per xdist worker),
  reset before each test; an exception inside it fails the test that caused it.
- ``ghl_mock_settings``: the Settings both use (override it in a conftest.py).
With ``GHL_MOCK_URL`` set, both fixtures drive that server through its control API instead.

Marker: ``@pytest.mark.ghl_scenario("name", ...)`` activates scenarios for one test.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette

from ghl_mock.app import create_app
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings
from ghl_mock.testing import GhlMock, GhlMockError

URL_ENV = "GHL_MOCK_URL"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "ghl_scenario(*names): activate these ghl-mock scenarios (in order) for this test"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A marker without a ghl-mock fixture would do nothing: say so instead of passing silently."""
    if item.get_closest_marker("ghl_scenario") is None:
        return
    if not {"ghl_mock", "ghl_mock_server"} & set(getattr(item, "fixturenames", ())):
        pytest.fail(
            "@pytest.mark.ghl_scenario needs the ghl_mock or ghl_mock_server fixture in the test", pytrace=False
        )


@pytest.fixture(scope="session")
def ghl_mock_settings() -> Settings:
    """The mock's settings; override this fixture to use your own fixtures or scenarios directory."""
    return Settings()


def _remote(settings: Settings) -> GhlMock | None:
    url = os.environ.get(URL_ENV)
    if not url:
        return None
    if os.environ.get("PYTEST_XDIST_WORKER"):
        raise pytest.UsageError(
            f"{URL_ENV} with pytest-xdist: the workers would share one mock's scenarios and journal and reset "
            f"each other. Run the remote suite without -n, or unset {URL_ENV}: each worker then starts its own "
            "server (ghl_mock_server) or in-process mock (ghl_mock)."
        )
    return GhlMock.remote(url, settings.secret.get_secret_value())


def _leave_clean(remote: GhlMock) -> None:
    """Leave a shared server as the suite found it (nothing to do if it is already gone)."""
    with contextlib.suppress(GhlMockError):
        remote.reset()


def _prepare(mock: GhlMock, request: pytest.FixtureRequest) -> None:
    mock.reset()
    marker = request.node.get_closest_marker("ghl_scenario")
    if marker is not None:
        try:
            mock.use_scenario(*marker.args)
        except GhlMockError as exc:
            problem = str(exc)
        else:
            return
        # Outside the except block: failing inside it would print the message twice (chained).
        pytest.fail(f"@pytest.mark.ghl_scenario: {problem}", pytrace=False)


@pytest.fixture(scope="session")
def _ghl_mock_in_process(ghl_mock_settings: Settings) -> Iterator[GhlMock]:
    remote = _remote(ghl_mock_settings)
    mock = remote or GhlMock.in_process(ghl_mock_settings)
    with mock.client:
        yield mock
        if remote is not None:
            _leave_clean(remote)


@pytest.fixture
def ghl_mock(_ghl_mock_in_process: GhlMock, request: pytest.FixtureRequest) -> Iterator[GhlMock]:
    """The mock in-process (or remote with GHL_MOCK_URL), reset before the test.

    In-process, an exception inside the mock raises straight into the test; remotely, it is
    fetched from the server and raised when the test ends.
    """
    _prepare(_ghl_mock_in_process, request)
    yield _ghl_mock_in_process
    _ghl_mock_in_process.raise_server_errors()


@pytest.fixture(scope="session")
def _ghl_mock_live(ghl_mock_settings: Settings) -> Iterator[GhlMock]:
    remote = _remote(ghl_mock_settings)
    if remote is not None:
        yield remote
        _leave_clean(remote)
        remote.close()
        return
    app: Starlette = create_app(ghl_mock_settings)
    server = LiveServer(app)
    server.start()
    mock = GhlMock.live(server, app, ghl_mock_settings)
    try:
        yield mock
    finally:
        mock.close()
        server.stop()


@pytest.fixture
def ghl_mock_server(_ghl_mock_live: GhlMock, request: pytest.FixtureRequest) -> Iterator[GhlMock]:
    """A live server on 127.0.0.1 (or GHL_MOCK_URL), reset before the test; ``.url`` is its base URL."""
    _prepare(_ghl_mock_live, request)  # the reset also drops errors that belong to no test
    yield _ghl_mock_live
    _ghl_mock_live.raise_server_errors()

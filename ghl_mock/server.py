"""Running the mock under uvicorn: bind, announce readiness once, serve, shut down gracefully."""

from __future__ import annotations

import shlex
import signal
import socket
import sys
from typing import Any
from urllib.parse import urlencode

from ghl_mock import startup
from ghl_mock.access_log import AccessLog
from ghl_mock.app import create_app
from ghl_mock.fixtures import Fixtures
from ghl_mock.operations import operation
from ghl_mock.platforms import PLATFORMS
from ghl_mock.runtime import SHUTDOWN_SIGNALS, build_server
from ghl_mock.settings import Settings
from ghl_mock.tokens import mint_token

#: Exit codes, named (uvicorn's convention).
EXIT_BIND_FAILED = 1
EXIT_BAD_SETTINGS = 2
EXIT_BAD_FIXTURES = 3
EXIT_BAD_SCENARIOS = 4

LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"},
    },
    "handlers": {
        "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        # uvicorn's own start-up chatter is replaced by the single ready line.
        "uvicorn.error": {"handlers": ["default"], "level": "WARNING", "propagate": False},
        "ghl_mock": {"handlers": ["default"], "level": "INFO", "propagate": False},
    },
}


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket up front so ``--port 0`` can report the port it got."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def example_request(base_url: str, fixtures: Fixtures, settings: Settings) -> str:
    """A curl command that works as printed: a fixture PIT if one fits, else a minted token."""
    platform = PLATFORMS["tiktok-business"]
    scope = operation(platform.slug, "start").scope
    pit = next(
        (p for p in fixtures.pits.values() if p.auth_class == "Location" and scope in p.scopes and p.location_id),
        None,
    )
    if pit is not None and pit.location_id is not None:
        location_id, token, source = pit.location_id, pit.token, "a demo Private Integration token"
    else:
        location_id = "demo-location"
        token = mint_token(
            settings.secret.get_secret_value(),
            auth_class="Location",
            auth_class_id=location_id,
            scopes=[scope],
        )
        source = "a freshly minted demo token"
    location = fixtures.location(location_id)
    user_id = location.users[0].id if location and location.users else "demo-user"
    query = urlencode({"locationId": location_id, "userId": user_id})
    url = f"{base_url}/social-media-posting/oauth/{platform.slug}/start?{query}"
    # Every argument shell-quoted: ids from a fixtures file may hold anything.
    return (
        f"Try it ({source}):\n"
        f"  curl -i {shlex.quote(url)} \\\n"
        f"    -H {shlex.quote('Version: 2021-07-28')} -H {shlex.quote(f'Authorization: Bearer {token}')}"
    )


def serve(settings: Settings) -> int:
    """Serve until interrupted; return the process exit code."""
    from ghl_mock.context import ScenarioSetupError
    from ghl_mock.fixtures import FixtureError, load_fixtures

    try:
        fixtures = load_fixtures(settings.fixtures)
    except FixtureError as exc:
        print(f"ghl-mock: bad fixtures: {exc}", file=sys.stderr)
        return EXIT_BAD_FIXTURES
    try:
        access_log = AccessLog(sys.stdout) if settings.access_log else None
        app = create_app(settings, fixtures, access_log=access_log)
    except ScenarioSetupError as exc:
        print(f"ghl-mock: bad scenarios:\n{exc}", file=sys.stderr)
        return EXIT_BAD_SCENARIOS
    try:
        sock = bind(settings.host, settings.port)
    except OSError as exc:
        print(
            f"ghl-mock: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_BIND_FAILED
    base_url = url_of(sock)

    def announce() -> None:
        print(f"ghl-mock ready on {base_url}", flush=True)
        print(example_request(base_url, fixtures, settings), flush=True)
        startup.resume(freeze=True)  # the collector, paused by the console script (startup.py)

    server = build_server(
        app,
        stopping=app.state.ctx.state.stopping,
        on_ready=announce,
        log_config=LOG_CONFIG,
        access_log=False,  # the app writes its own (access_log.py): uvicorn's flushes once per line
    )
    # The server handles SIGINT, SIGTERM and SIGHUP itself (graceful shutdown, runtime.py), then
    # re-raises the signal to the handler that was installed before it. Installing a no-op there
    # makes a requested shutdown end with exit code 0 instead of death by signal.
    for signum in SHUTDOWN_SIGNALS:
        signal.signal(signum, _ignore_signal)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        if access_log is not None:
            access_log.flush()  # a forced exit skips the lifespan's shutdown, which flushes too
    return 0


def _ignore_signal(signum: int, frame: object) -> None:
    """Placeholder handler: uvicorn has already shut down gracefully when this runs."""

"""The one uvicorn set-up, shared by ``ghl-mock serve`` and ``LiveServer`` so the two cannot drift.

Both run the connection-tracking protocol (network faults, the request head's size and time
limits: connections.py), take the client address from the socket (no proxy headers: faults and the
loopback guard rely on it), send no ``server`` header, run the app's lifespan, close a kept-alive
connection idle for ``KEEP_ALIVE_SECONDS``, and on shutdown set the app's ``stopping`` event so
scripted delays and hangs answer at once while in-flight requests finish (bounded by the graceful
timeout). In the main thread (``ghl-mock serve``) SIGHUP shuts down as gracefully as SIGINT and
SIGTERM: a closed terminal or a supervisor's reload must not cut requests in flight.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import uvicorn
import uvicorn.server
from starlette.types import ASGIApp
from uvicorn.config import LOGGING_CONFIG

from ghl_mock import connections
from ghl_mock.connections import TrackingHTTPProtocol

#: Seconds in-flight requests get to finish once shutdown starts; then they are cancelled.
GRACEFUL_SHUTDOWN_SECONDS = 5

#: Seconds a kept-alive connection may sit idle between requests (uvicorn's default, made explicit).
KEEP_ALIVE_SECONDS = 5

#: The signals that shut the server down gracefully: uvicorn's (SIGINT, SIGTERM), and SIGHUP.
SHUTDOWN_SIGNALS = (*uvicorn.server.HANDLED_SIGNALS, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else []))


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that calls ``on_ready`` once, when it is accepting connections, and sets
    ``stopping`` when it shuts down."""

    def __init__(
        self,
        config: uvicorn.Config,
        on_ready: Callable[[], None] | None,
        stopping: threading.Event | None,
    ):
        super().__init__(config)
        self._on_ready = on_ready
        self._stopping = stopping

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        if self._stopping is not None:
            self._stopping.clear()  # the same app may be served again after a stop
        await super().startup(sockets=sockets)
        if self._on_ready is not None and self.started and not self.should_exit:
            self._on_ready()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self._stopping is not None:
            self._stopping.set()  # scripted delays and hangs answer now; in-flight requests finish
        await super().shutdown(sockets=sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """uvicorn's own, with SIGHUP among the signals: each starts the graceful shutdown, and
        once it is done, is raised again to the handler that was there before (as uvicorn does)."""
        if threading.current_thread() is not threading.main_thread():
            yield  # signals can only be handled in the main thread (LiveServer runs in another)
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in SHUTDOWN_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)
        for captured in reversed(self._captured_signals):
            signal.raise_signal(captured)


def stopping_event(app: ASGIApp) -> threading.Event | None:
    """The shutdown signal of an app built by ``create_app`` (None for any other ASGI app)."""
    ctx = getattr(getattr(app, "state", None), "ctx", None)
    event = getattr(getattr(ctx, "state", None), "stopping", None)
    return event if isinstance(event, threading.Event) else None


def build_server(
    app: ASGIApp,
    *,
    stopping: threading.Event | None = None,
    on_ready: Callable[[], None] | None = None,
    log_config: dict[str, Any] | None = LOGGING_CONFIG,
    log_level: str | None = None,
    access_log: bool = True,
) -> uvicorn.Server:
    """A uvicorn server for ``app``; run it with ``server.run(sockets=[bound_socket])``."""
    config = uvicorn.Config(
        app,
        http=TrackingHTTPProtocol,
        proxy_headers=False,
        server_header=False,
        lifespan="on",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=connections.HEAD_LIMIT_BYTES,  # the h11 fallback's own limit
        log_config=log_config,
        log_level=log_level,
        access_log=access_log,
    )
    return _AnnouncingServer(config, on_ready, stopping)

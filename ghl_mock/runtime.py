"""The one uvicorn set-up, shared by ``ghl-mock serve`` and ``LiveServer`` so the two cannot drift.

Both run the connection-tracking protocol (network faults), take the client address from the
socket (no proxy headers: faults and the loopback guard rely on it), send no ``server`` header,
run the app's lifespan, and on shutdown set the app's ``stopping`` event so scripted delays and
hangs answer at once while in-flight requests finish (bounded by the graceful timeout).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.config import LOGGING_CONFIG

from ghl_mock.connections import TrackingHTTPProtocol

#: Seconds in-flight requests get to finish once shutdown starts; then they are cancelled.
GRACEFUL_SHUTDOWN_SECONDS = 5


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
        log_config=log_config,
        log_level=log_level,
        access_log=access_log,
    )
    return _AnnouncingServer(config, on_ready, stopping)

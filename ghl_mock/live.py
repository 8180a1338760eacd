"""A real server in a background thread, for browser tests and the pytest plugin's live mode.

uvicorn runs in a daemon thread on a socket bound up front (port 0 → a free port), with bounded
waits for start and stop: a server that cannot start or will not stop raises instead of hanging.
uvicorn skips signal handling outside the main thread, so this is safe inside a test process.
The server is built as ``ghl-mock serve`` builds it (ghl_mock.runtime); for an app made by
``create_app``, stopping it ends scripted delays and hangs at once.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from ghl_mock.runtime import build_server, stopping_event
from ghl_mock.server import bind, url_of


class LiveServerError(RuntimeError):
    pass


class LiveServer:
    def __init__(
        self,
        app: ASGIApp,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        start_timeout: float = 10.0,
        stop_timeout: float = 10.0,
    ):
        self.app = app
        self.host = host
        self.port = port
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self) -> str:
        sock = bind(self.host, self.port)
        self.url = url_of(sock)
        server = build_server(self.app, stopping=stopping_event(self.app), log_level="warning", access_log=False)
        self._server = server

        def run() -> None:
            try:
                server.run(sockets=[sock])
            except BaseException as exc:  # surfaced by start()/stop() in the caller's thread
                self._error = exc
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name=f"ghl-mock {self.url}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self.start_timeout
        while not server.started:
            if self._error is not None or not self._thread.is_alive():
                raise LiveServerError(f"ghl-mock did not start on {self.url}: {self._error!r}")
            if time.monotonic() > deadline:
                server.should_exit = True
                raise LiveServerError(f"ghl-mock did not start on {self.url} within {self.start_timeout}s")
            time.sleep(0.005)
        return self.url

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(self.stop_timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(self.stop_timeout)
        alive = self._thread.is_alive()
        self._server = self._thread = None
        if alive:
            raise LiveServerError(f"ghl-mock on {self.url} did not stop within {2 * self.stop_timeout}s")

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

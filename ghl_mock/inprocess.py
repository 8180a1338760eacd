"""A synchronous httpx transport that calls an ASGI app directly: no socket, no thread.

``httpx.ASGITransport`` is async-only and Starlette's ``TestClient`` hands every request to a
portal thread (about 1.7 ms each, bench/). This transport runs the app on an event loop it owns,
in the caller's thread; when the caller is already inside a running loop (a sync client used
from an async test) it falls back to a short-lived worker thread. Exceptions raised by the app
propagate to the caller, as with ``TestClient``.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from starlette.types import ASGIApp, Message


class ASGISyncTransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 50000)):
        self.app = app
        self.client = client
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        scope = self._scope(request)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            with self._lock:  # one loop, one request at a time per transport
                if self._loop.is_closed():  # closed by a client, used again: start afresh
                    self._loop = asyncio.new_event_loop()
                status, headers, content = self._loop.run_until_complete(self._call(scope, body))
        else:
            with ThreadPoolExecutor(1) as pool:
                status, headers, content = pool.submit(asyncio.run, self._call(scope, body)).result()
        return httpx.Response(status, headers=headers, content=content, request=request)

    def _scope(self, request: httpx.Request) -> dict[str, Any]:
        url = request.url
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        return {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query,
            "root_path": "",
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "client": self.client,
            "server": (host, port),
        }

    async def _call(self, scope: dict[str, Any], body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        sent = False
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # like a client that stays connected
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, headers, b"".join(chunks)

    def close(self) -> None:
        with self._lock:
            if not self._loop.is_closed():
                self._loop.close()

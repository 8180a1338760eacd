"""The access log: one line per request on stdout, cheap enough to leave on under load.

uvicorn's own access log formats a ``LogRecord`` and flushes the stream once per request (a
write system call each). This one builds the same line from the scope (the time stamp is
formatted once per second), masks credentials in the query like the journal, and writes
what has gathered at most ``FLUSH_SECONDS`` later, when ``FLUSH_BYTES`` have gathered, and at
shutdown. The line reads as uvicorn's did::

    2026-12-02 09:10:11,123 127.0.0.1:50312 "GET /social-media-posting/oauth/... HTTP/1.1" 302 Found
"""

from __future__ import annotations

import asyncio
import time
from http import HTTPStatus
from typing import TextIO
from urllib.parse import quote

from starlette.types import Scope

from ghl_mock.masking import masked_query

FLUSH_SECONDS = 0.1
FLUSH_BYTES = 64 * 1024

_PHRASES = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}


class AccessLog:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._lines: list[str] = []
        self._size = 0
        self._second = -1
        self._stamp = ""
        self._timer: asyncio.TimerHandle | None = None

    def line(self, scope: Scope, status: int, query: str | None = None) -> None:
        """``query``: the request's query already masked (the journal's), else it is masked here."""
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second, self._stamp = second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        client = scope.get("client")
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else quote(scope["path"])
        if query is None:
            raw_query = scope.get("query_string", b"")
            query = masked_query(raw_query.decode("latin-1")) if raw_query else ""
        if query:
            path = f"{path}?{query}"
        text = (
            f"{self._stamp},{int((now - second) * 1000):03d} {f'{client[0]}:{client[1]}' if client else '-'} "
            f'"{scope["method"]} {path} HTTP/{scope.get("http_version", "1.1")}" {_PHRASES.get(status, status)}\n'
        )
        self._lines.append(text)
        self._size += len(text)
        if self._size >= FLUSH_BYTES:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._lines:
            return
        text, self._lines, self._size = "".join(self._lines), [], 0
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # stdout closed or gone (a pipe whose reader left)
            pass

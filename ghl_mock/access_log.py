"""The access log: one line per request on stdout, cheap enough to leave on under load.

uvicorn's own access log formats a ``LogRecord`` and flushes the stream once per request (a
write system call each). This one keeps what each line needs as it comes (the query masked
like the journal's), and makes the text of a whole batch at once when it writes, at most
``FLUSH_SECONDS`` later, when about ``FLUSH_BYTES`` have gathered, and at shutdown: formatting
in one loop costs about half what formatting each line between requests did (bench/, decisions
#122). The time stamp is formatted once per second. The line reads as uvicorn's did::

    2026-12-02 09:10:11,123 127.0.0.1:50312 "GET /social-media-posting/oauth/... HTTP/1.1" 302 Found
"""

from __future__ import annotations

import asyncio
import time
from http import HTTPStatus
from typing import TextIO
from urllib.parse import quote

from starlette.types import Scope

FLUSH_SECONDS = 0.1
FLUSH_BYTES = 64 * 1024

_PHRASES = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}


class AccessLog:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        #: What each line needs, kept as it came: the text is made when the batch is written.
        self._pending: list[tuple[float, tuple[str, int] | None, str, str, str, str, int]] = []
        self._size = 0  # about the bytes the pending lines will take
        self._second = -1
        self._stamp = ""
        self._timer: asyncio.TimerHandle | None = None

    def line(self, scope: Scope, status: int, query: str) -> None:
        """``query``: the request's query, already masked (``masked_query_of``, shared with the journal)."""
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else quote(scope["path"])
        self._pending.append(
            (time.time(), scope.get("client"), scope["method"], path, query, scope.get("http_version", "1.1"), status)
        )
        self._size += len(path) + len(query) + 80
        if self._size >= FLUSH_BYTES:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)

    def _text(self) -> str:
        lines = []
        for now, client, method, path, query, version, status in self._pending:
            second = int(now)
            if second != self._second:
                self._second, self._stamp = second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
            target = f"{path}?{query}" if query else path
            lines.append(
                f"{self._stamp},{int((now - second) * 1000):03d} {f'{client[0]}:{client[1]}' if client else '-'} "
                f'"{method} {target} HTTP/{version}" {_PHRASES.get(status, status)}\n'
            )
        return "".join(lines)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        text = self._text()
        self._pending, self._size = [], 0
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # stdout closed or gone (a pipe whose reader left)
            pass

"""Calling an ASGI app directly, with no socket and no thread: an httpx transport, and ``call``.

``httpx.ASGITransport`` is async-only and Starlette's ``TestClient`` hands every request to a
portal thread (about 1.7 ms each, bench/). ``ASGISyncTransport`` runs the app on an event loop
it owns, in the caller's thread; when the caller is already inside a running loop (a sync client
used from an async test) it falls back to a short-lived worker thread. Exceptions raised by the
app propagate to the caller, as with ``TestClient``.

httpx itself caps what that transport can reach: it parses every URL character by character
(the request's, the base URL join, and a 302's ``Location`` for ``next_request``), so a client on
a transport that does nothing answers the start endpoint's 302 about 3,900 times a second here
(docs/benchmarks.md). ``ASGISyncTransport.call`` skips httpx: the scope is built from the path
as given and the answer comes back as an ``Answer`` (``status_code``, ``headers``, ``content``,
``text``, ``json()``, named as httpx names them) for tests that send many requests.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import threading
from collections.abc import Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import unquote, urlencode

import httpx
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message

T = TypeVar("T")
Raw = tuple[int, list[tuple[bytes, bytes]], bytes]


@dataclass(frozen=True, slots=True)
class Answer:
    """What ``call`` returns: the answer as the app sent it (no redirect followed)."""

    status_code: int
    headers: Headers  # case-insensitive, like httpx's
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


#: A query parameter's values, as httpx takes them (a list or tuple repeats the name).
Value = str | int | float | bool | None
Params = Mapping[str, Value | Sequence[Value]]
#: Methods httpx sends ``Content-Length: 0`` for when there is no body.
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _text(value: Value) -> str:
    """A parameter value as httpx writes it (``true``, ``false``, ``""`` for None)."""
    if value is True or value is False:
        return "true" if value else "false"
    return "" if value is None else str(value)


def with_params(target: str, params: Params | None) -> str:
    """``target`` with ``params`` appended to the query it has (httpx's client replaces it)."""
    if not params:
        return target
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        items: Sequence[Value] = value if isinstance(value, list | tuple) else [cast("Value", value)]
        pairs += [(name, _text(item)) for item in items]
    encoded = urlencode(pairs)
    if not encoded:
        return target
    return f"{target}&{encoded}" if "?" in target and not target.endswith("?") else f"{target.rstrip('?')}?{encoded}"


def json_body(content: Any) -> bytes:
    """JSON as httpx sends it: compact, UTF-8, NaN refused (``ValueError``)."""
    return jsonlib.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _server(host: str, scheme: str) -> tuple[str, int]:
    """The scope's ``server`` from a ``Host`` value (``name``, ``name:port``, ``[v6]:port``), as
    uvicorn gives it (an IPv6 address without its brackets)."""
    name, colon, port = host.rpartition(":")
    if not (colon and port.isdigit()) or name.endswith(":") or (host.startswith("[") and not name.endswith("]")):
        name, port = host, ""
    return name.removeprefix("[").removesuffix("]"), int(port) if port else _default_port(scheme)


class ASGISyncTransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 50000)):
        self.app = app
        self.client = client
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        url = request.url
        scope = self._scope(
            request.method,
            url.scheme,
            (url.host, url.port or _default_port(url.scheme)),
            url.raw_path.split(b"?", 1)[0],
            url.query,
            [(name.lower(), value) for name, value in request.headers.raw],
        )
        status, headers, content = self._run(self._call(scope, body))
        return httpx.Response(status, headers=headers, content=content, request=request)

    def call(
        self,
        method: str,
        target: str,
        *,
        base_url: str,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
    ) -> Answer:
        """One request straight to the app: ``target`` is a path (or an absolute URL) with an
        optional query, as sent on the wire (percent-encoded; a ``#fragment`` is dropped);
        ``params`` are appended to that query (``with_params``); ``json`` is sent as httpx sends
        it, with ``Content-Type: application/json``. ``headers`` are sent as given, after a
        ``Host`` of the URL's or ``base_url``'s host (a given ``Host`` replaces it)."""
        target = with_params(target.partition("#")[0], params)
        scheme, _, authority = base_url.partition("://")
        if "://" in target:  # an absolute URL: its own scheme and host
            scheme, _, rest = target.partition("://")
            authority, slash, target = rest.partition("/")
            target = slash + target
        raw_path, _, query = target.partition("?")
        body = json_body(json) if json is not None else content.encode() if isinstance(content, str) else content or b""
        sent = {"host": authority.rstrip("/")}
        if json is not None:
            sent["content-type"] = "application/json"
        if body or method.upper() in _BODY_METHODS:
            sent["content-length"] = str(len(body))
        for name, value in (headers or {}).items():
            sent[name.lower()] = value
        scope = self._scope(
            method.upper(),
            scheme,
            _server(sent["host"], scheme),
            (raw_path or "/").encode("latin-1"),
            query.encode("latin-1"),
            [(name.encode("latin-1"), value.encode("latin-1")) for name, value in sent.items()],
        )
        status, raw_headers, answer = self._run(self._call(scope, body))
        return Answer(status, Headers(raw=raw_headers), answer)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            with self._lock:  # one loop, one request at a time per transport
                if self._loop.is_closed():  # closed by a client, used again: start afresh
                    self._loop = asyncio.new_event_loop()
                return self._loop.run_until_complete(coroutine)
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coroutine).result()

    def _scope(
        self,
        method: str,
        scheme: str,
        server: tuple[str, int],
        raw_path: bytes,
        query: bytes,
        headers: list[tuple[bytes, bytes]],
    ) -> dict[str, Any]:
        return {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": scheme,
            "path": unquote(raw_path.decode("latin-1")),
            "raw_path": raw_path,
            "query_string": query,
            "root_path": "",
            "headers": headers,
            "client": self.client,
            "server": server,
        }

    async def _call(self, scope: dict[str, Any], body: bytes) -> Raw:
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

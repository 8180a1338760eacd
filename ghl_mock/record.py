"""``ghl-mock record``: a recording proxy in front of one upstream (HighLevel, or another mock).

Every request that reaches the proxy is forwarded to the upstream base URL it was given, and to
nothing else: the target is that URL's scheme, host and port with the request's path appended,
whatever the request's ``Host`` header or request target say (an absolute-form target keeps only
its path; ``//other-host/x`` stays a path). The client gets the upstream's answer unchanged (a
redirect is an answer: never followed, ``Location`` never rewritten); the capture file gets the
exchange, masked (capture.py). Hop-by-hop headers go neither way; the upstream is asked for an
unencoded body (``Accept-Encoding: identity``) so the capture can hold it as text. Bodies are
bounded both ways: a request body over the bound is refused with 413 and not forwarded, an
upstream answer over it is a 502 (neither is recorded). Proxy settings in the environment
(``HTTP_PROXY``, ``.netrc``) are ignored, no cookies are kept between requests, nothing is retried.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError
from starlette.types import Message, Receive, Scope, Send

from ghl_mock.capture import (
    DEFAULT_MAX_BODY,
    CaptureWriter,
    Exchange,
    connection_headers,
    mask_text,
    now_iso,
    recorded_request,
    recorded_response,
)
from ghl_mock.wording import reason

#: Seconds the upstream gets to answer one request.
DEFAULT_TIMEOUT: Final = 30.0
_ABSOLUTE = re.compile(rb"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


class UpstreamError(ValueError):
    """An ``--upstream`` URL the proxy will not use."""


def parse_upstream(url: str) -> httpx.URL:
    """The upstream base URL: http(s), a host, no credentials, no query or fragment."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UpstreamError(f"{url!r}: the upstream must be an http:// or https:// URL")
    if not parts.hostname:
        raise UpstreamError(f"{url!r}: the upstream URL has no host")
    if parts.username is not None or parts.password is not None:
        raise UpstreamError("the upstream URL must not carry credentials (user:password@); they would be recorded")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise UpstreamError(f"{url!r}: the upstream is a base URL, without a query or fragment")
    try:
        parts.port  # noqa: B018 - raises on a bad port
        return httpx.URL(url.rstrip("/"))
    except (ValueError, httpx.InvalidURL) as exc:
        raise UpstreamError(f"{url!r}: {exc}") from None


def _origin_path(raw_path: bytes) -> bytes:
    """The path of a request target: an absolute-form target loses its scheme and authority."""
    path = _ABSOLUTE.sub(b"", raw_path)
    return path if path.startswith(b"/") else b"/" + path


class _ClientGone(Exception):
    """The client disconnected before its request body was complete."""


def _text(value: bytes) -> str:
    return value.decode("latin-1")


class RecordingProxy:
    """The ASGI app ``ghl-mock record`` serves."""

    def __init__(
        self,
        upstream: str | httpx.URL,
        writer: CaptureWriter,
        *,
        max_body: int = DEFAULT_MAX_BODY,
        timeout: float = DEFAULT_TIMEOUT,
        log: Callable[[str], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.upstream = upstream if isinstance(upstream, httpx.URL) else parse_upstream(upstream)
        self.writer = writer
        self.max_body = max_body
        self.timeout = httpx.Timeout(timeout)
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        # A bare transport: no redirects, no cookie jar, no proxy or .netrc from the environment.
        self._transport = transport or httpx.AsyncHTTPTransport(retries=0, trust_env=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._proxy(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def aclose(self) -> None:
        await self._transport.aclose()
        self.writer.close()

    def target(self, raw_path: bytes, query: bytes) -> httpx.URL:
        """The upstream URL for a request: always the upstream's scheme, host and port."""
        prefix = self.upstream.raw_path.split(b"?", 1)[0].rstrip(b"/")
        url = self.upstream.copy_with(raw_path=prefix + _origin_path(raw_path) + (b"?" + query if query else b""))
        if (url.scheme, url.host, url.port) != (self.upstream.scheme, self.upstream.host, self.upstream.port):
            raise UpstreamError(f"refusing {url}: not the upstream")  # pragma: no cover - copy_with keeps them
        return url

    async def _proxy(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        at = now_iso()
        method: str = scope["method"]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        query: bytes = scope.get("query_string", b"")
        headers = [(_text(name), _text(value)) for name, value in scope["headers"]]
        try:
            body = await self._read_body(receive)
        except _ClientGone:  # never send the upstream a request the client did not finish
            self.log(f"ghl-mock record: {method} {mask_text(_text(raw_path))}: the client left mid-body, not forwarded")
            return
        if body is None:
            await _plain(send, 413, f"ghl-mock record: request body over {self.max_body:,} bytes: not forwarded")
            shown = mask_text(_text(raw_path))
            self.log(f"ghl-mock record: {method} {shown}: request body over {self.max_body:,} bytes, refused")
            return
        url = self.target(raw_path, query)
        drop = connection_headers(headers) | {"host", "content-length", "accept-encoding"}
        # As bytes: httpx would encode str values as ASCII, and a client may send latin-1.
        forwarded = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in headers if n.lower() not in drop]
        forwarded.append((b"accept-encoding", b"identity"))
        request = httpx.Request(
            method, url, headers=forwarded, content=body, extensions={"timeout": self.timeout.as_dict()}
        )
        try:
            response = await self._transport.handle_async_request(request)
            try:
                answer = await self._read_answer(response)
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            await _plain(send, 502, f"ghl-mock record: the upstream did not answer: {type(exc).__name__}: {exc}")
            self.log(f"ghl-mock record: {method} {url.path}: upstream error {type(exc).__name__}: {exc} (not recorded)")
            return
        if answer is None:
            await _plain(send, 502, f"ghl-mock record: the upstream's answer is over {self.max_body:,} bytes")
            self.log(f"ghl-mock record: {method} {url.path}: answer over {self.max_body:,} bytes (not recorded)")
            return
        status, answer_headers, content = answer
        path = _text(_origin_path(raw_path))
        try:
            exchange = Exchange(
                index=self.writer.next_index(),
                at=at,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                request=recorded_request(method, path, _text(query), headers, body, self.max_body),
                response=recorded_response(status, answer_headers, content, self.max_body),
            )
        except ValidationError as exc:  # e.g. a status outside 100-599, which no client could be sent either
            why = reason(exc.errors()[0])
            await _plain(send, 502, f"ghl-mock record: the upstream's answer cannot be passed on: {why}")
            self.log(f"ghl-mock record: {method} {mask_text(path)} -> {status}: not recorded ({why})")
            return
        self.writer.write(exchange)  # before the answer: a client that got it finds it in the capture
        await self._respond(send, method, status, answer_headers, content)
        location = exchange.response.header("location")
        note = f" (Location {location[:80]}, not followed)" if location else ""
        self.log(f"#{exchange.index} {method} {exchange.request.path} -> {status}{note}")

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The request body; None when it is over the limit; ``_ClientGone`` when the client left first."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _read_answer(self, response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes] | None:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():  # decoded, if the upstream encoded it anyway
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
        headers = [(_text(name), _text(value)) for name, value in response.headers.raw]
        return response.status_code, headers, b"".join(chunks)

    async def _respond(
        self, send: Send, method: str, status: int, headers: list[tuple[str, str]], content: bytes
    ) -> None:
        # The server adds its own Date; a body decoded here is no longer encoded.
        drop = connection_headers(headers) | {"content-encoding", "date"}
        bodiless = method.upper() == "HEAD" or status in (204, 304) or status < 200
        if not bodiless:
            drop |= {"content-length"}  # recomputed: the body may have been decoded
        out = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers if name.lower() not in drop]
        if not bodiless:
            out.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": b"" if bodiless else content})


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body})


def run(upstream: httpx.URL, out: Path, host: str, port: int, max_body: int, timeout: float, version: str) -> int:
    """``ghl-mock record``: serve the proxy until interrupted; the process exit code."""
    import signal

    from ghl_mock.runtime import SHUTDOWN_SIGNALS, build_server
    from ghl_mock.server import EXIT_BIND_FAILED, LOG_CONFIG, bind, url_of

    try:
        sock = bind(host, port)
    except OSError as exc:
        print(f"ghl-mock: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BIND_FAILED
    try:
        writer = CaptureWriter(out, str(upstream), max_body, version)
    except OSError as exc:
        sock.close()
        print(f"ghl-mock: cannot write the capture {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    proxy = RecordingProxy(upstream, writer, max_body=max_body, timeout=timeout)
    base = url_of(sock)

    def announce() -> None:
        print(f"ghl-mock record on {base} -> {upstream}, writing {out}", flush=True)

    server = build_server(proxy, on_ready=announce, log_config=LOG_CONFIG, access_log=False)
    for signum in SHUTDOWN_SIGNALS:
        signal.signal(signum, lambda signum, frame: None)  # uvicorn shut down gracefully already
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        writer.close()
    print(f"ghl-mock record: {writer.count} exchanges in {out}", file=sys.stderr)
    return 0


def write_scenario(name: str, source: Path, out: Path | None) -> int:
    """``ghl-mock record --to-scenario NAME --from CAPTURE``: the exit code (2: a bad capture or name)."""
    from ghl_mock.capture import CaptureError, load_capture, scenario_yaml, to_scenario
    from ghl_mock.scenarios.loader import NAME, ScenarioError, runtime_scenario

    if not NAME.match(name):
        print(f"ghl-mock: --to-scenario {name!r}: use lowercase letters, digits, '.', '_' or '-'", file=sys.stderr)
        return 2
    target = out or Path(f"{name}.yaml")
    if target.stem != name or target.suffix not in (".yaml", ".yml"):
        print(f"ghl-mock: --out {target}: a scenario's name is its file's: write {name}.yaml", file=sys.stderr)
        return 2
    if target.exists():
        print(f"ghl-mock: {target} exists: remove it or choose another --out", file=sys.stderr)
        return 2
    try:
        capture = load_capture(source)
    except CaptureError as exc:
        print(f"ghl-mock: bad capture: {exc}", file=sys.stderr)
        return 2
    export = to_scenario(capture, name)
    for index, why in export.skipped:
        print(f"ghl-mock: exchange #{index}: no step: {why}", file=sys.stderr)
    try:
        runtime_scenario(name, export.data)  # what the loader will say of the file
    except ScenarioError as exc:
        field, reason = exc.problems[0]
        print(f"ghl-mock: cannot make a scenario of {source}: {field}: {reason}", file=sys.stderr)
        return 2
    target.write_text(scenario_yaml(export.data), encoding="utf-8")
    steps = len(export.data["steps"])
    print(f"wrote {target}: {steps} steps from {len(capture.exchanges)} exchanges")
    return 0

"""uvicorn's HTTP protocol with what an ASGI app cannot do for itself: a connection's transport in
each request's scope (faults that close a connection), limits on the request head, and one system
call per response.

``TrackingHTTPProtocol`` puts each connection's own transport into the scope of every request it
carries (``scope["ghl_mock.transport"]``). ``serve`` and ``LiveServer`` use it. In-process (no
socket) the key is absent, and the faults raise the httpx exception a client would get from a real
socket instead. The transport is looked up per request, never by peer address: an in-process
client's made-up address may be a live one's.

The request head (request line and headers) of every request, on new and kept-alive connections
alike, is held to two limits (issue #12); neither reaches the app, and both answer with a short
``text/plain`` body and ``Connection: close``, then close (a lingering close: what the client still
sends is read and dropped until it pauses for ``LINGER_SECONDS``, so no reset discards the answer):

- **size**: more than ``HEAD_LIMIT_BYTES`` before the blank line that ends the head is
  ``431 Request Header Fields Too Large``. Bytes are counted as they arrive, so an unterminated
  header costs at most the limit, not what the client sends. A body is not counted.
- **time**: a head not complete ``HEAD_TIMEOUT_SECONDS`` after the connection was accepted (its
  first request) or after its first byte arrived (a later request on a kept-alive connection) is
  ``408 Request Timeout``; a new connection that sent nothing is closed without an answer. The
  deadline is fixed when the clock starts: a client dribbling a byte a second does not move it.
  Waiting *between* requests is uvicorn's ``timeout_keep_alive`` (runtime.py).

If a response is still being written on the connection (pipelined requests), it finishes and the
connection closes after it instead. A pipelined head that starts inside the read that ends the
request before it is counted from the connection's next read (at most one read more).

Each response's head leaves with the start of its body (``HeadWithBody``): uvicorn writes a
response's status line and headers, then its body, as two ``write`` calls, which uvloop sends as
two system calls and two TCP segments; gathered, they leave in one ``writev`` (issue #13: the
socket writes were 40% of the server's time on a 401). The ASGI spec lets a server hold the start
of a response until its first body message; this holds it no longer than the current turn.

Both of uvicorn's protocols get this: httptools (what uvicorn's "auto" picks, and uvicorn[standard]
installs) and h11, the fallback when httptools is missing (``TrackingH11Protocol``, in
connections_h11.py so that h11 is imported only when used).
"""

from __future__ import annotations

import asyncio
import http
from typing import Any, cast

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.server import ServerState

TRANSPORT_KEY = "ghl_mock.transport"

#: The most bytes a request head (request line and headers, up to its blank line) may take.
#: 4x Node's 16 KiB default (HighLevel runs NestJS on Node): the API's own requests stay under
#: 3 kB, but a browser sends the consent pages every cookie set for localhost by any other local
#: server (cookies ignore ports), the usual cause of Node's 431 in local development.
HEAD_LIMIT_BYTES = 64 * 1024

#: The most lines a request head may have (the request line and its header fields): each parsed
#: field is held as objects until the head ends, so 64 KiB of ``a:b`` lines would cost ~1.5 MB.
#: Node allows 2,000 fields; a browser or an SDK sends a few dozen.
HEAD_LIMIT_LINES = 200

#: Seconds a request head may take to arrive (read by each new connection).
HEAD_TIMEOUT_SECONDS = 10.0

#: A refused connection is still read (and what arrives dropped) after its answer until its
#: client has sent nothing for ``LINGER_SECONDS``, and at most ``LINGER_MAX_SECONDS``.
LINGER_SECONDS = 2.0
LINGER_MAX_SECONDS = 10.0


#: An interim response (``Expect: 100-continue``): written straight through, the response's own head
#: is the write to hold.
_INTERIM = b"HTTP/1.1 100 "


class HeadWithBody(asyncio.Transport):
    """A connection's transport as uvicorn's protocol, its request cycles and the app see it: a
    response's first write (its status line and headers) is held and leaves with the second (the
    start of its body) in one system call.

    Only that one write is ever held, and no longer than the current turn of the event loop (or
    the response's end, for a bodiless one): what follows goes straight to the socket, so uvloop's
    write buffer, and with it uvicorn's backpressure, sees a streamed body as before, and a head
    whose body is slow to come still leaves at the end of the turn. The ASGI spec lets a server
    hold a response's start until its first body message.

    Everything that could be ordered after a write (close, abort, end of file, a protocol change,
    the buffer's size) and the client's end of file (``_HeadGuard.eof_received``) flush first, so
    the bytes on the wire and their order are the same as without it. A transport already closing
    when the turn ends gets nothing: uvicorn writes nothing once the connection is gone either.
    """

    __slots__ = ("_gather", "_held", "_loop", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.transport = transport
        self._loop = loop
        self._held: bytes | None = None
        self._gather = True  # the next write is a response's first: hold it

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        held = self._held
        if held is not None:  # the body after its head: both in one call
            self._held = None
            self.transport.writelines((held, data))
        elif self._gather and data[: len(_INTERIM)] != _INTERIM:
            self._gather = False
            # Kept past this call: a copy the caller cannot change (an int is refused).
            self._held = data if type(data) is bytes else bytes(memoryview(data))
            self._loop.call_soon(self.flush)
        else:  # the rest of a body, or ``100 Continue`` (the real head is still to come)
            self.transport.write(data)

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        """Send the held write now (if any)."""
        held = self._held
        if held is None:
            return
        self._held = None
        if not self.transport.is_closing():
            self.transport.write(held)

    def response_complete(self) -> None:
        """The response is written: out with what is held, and hold the next response's first write."""
        self.flush()
        self._gather = True

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def abort(self) -> None:
        self.flush()
        self.transport.abort()

    def write_eof(self) -> None:
        self.flush()
        self.transport.write_eof()

    def can_write_eof(self) -> bool:
        return self.transport.can_write_eof()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        """An upgrade (a WebSocket): the new protocol's writes are not held (nothing re-arms the
        gathering, and its end of file would not flush)."""
        self.flush()
        self._gather = False
        self.transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.transport.get_protocol()

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self.transport.pause_reading()

    def resume_reading(self) -> None:
        self.transport.resume_reading()

    def is_reading(self) -> bool:
        return self.transport.is_reading()

    def get_write_buffer_size(self) -> int:
        self.flush()
        return self.transport.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self.transport.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.transport.set_write_buffer_limits(high, low)


class _HeadGuard(asyncio.Protocol):
    """The part both protocols share. A subclass says when the parser waits for a head
    (``_awaiting_head``) and calls ``_head_complete`` when one has been parsed."""

    # Set by uvicorn's protocol classes.
    app: Any
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    server_state: ServerState
    flow: FlowControl
    cycle: Any

    #: Whether the subclass puts the transport in each request's scope itself (httptools: at the
    #: head's end); else ``self.app`` is wrapped per connection to do it.
    _scopes_carry_transport = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(HeadWithBody(cast("asyncio.Transport", transport), asyncio.get_running_loop()))
        transport = self.transport
        if not self._scopes_carry_transport:
            # uvicorn's protocols start every request cycle with ``self.app``: wrapping it per
            # connection hands the app this connection's transport.
            app = self.app

            async def with_transport(scope: Scope, receive: Receive, send: Send) -> None:
                scope[TRANSPORT_KEY] = transport
                await app(scope, receive, send)

            self.app = with_transport
        self._head_limit = HEAD_LIMIT_BYTES
        self._head_timeout = HEAD_TIMEOUT_SECONDS
        self._head_bytes = 0  # of the head being received
        self._head_lines = 0  # line breaks of the head being received
        self._head_tail = b""  # the last bytes of the previous read (a head's end may span two)
        self._heads = 0  # heads parsed on this connection
        self._refused = False
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_since: float | None = None  # when the head being awaited became due (None: none is)
        self._linger: asyncio.TimerHandle | None = None
        self._last_read = self._linger_end = 0.0  # while lingering
        self._start_head_clock()  # the first head is due within the timeout of the accept

    def on_response_complete(self) -> None:
        cast("HeadWithBody", self.transport).response_complete()
        super().on_response_complete()  # type: ignore[misc]

    def eof_received(self) -> None:
        # uvloop closes the transport when this returns: a held head must leave first.
        cast("HeadWithBody", self.transport).flush()
        super().eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._drop_head_timer()
        if self._linger is not None:
            self._linger.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:  # answered already (or lingering): dropped
            self._last_read = self.loop.time()
            return
        if not self._awaiting_head():  # a body, or bytes queued behind a request in flight
            super().data_received(data)
            return
        # Counted before the parser sees them (it holds every parsed field): the lines up to the
        # blank line that ends the head, if this read has it, else all of them.
        end = (self._head_tail + data).find(b"\r\n\r\n")
        head_part = data if end < 0 else data[: max(0, end + 4 - len(self._head_tail))]
        self._head_lines += head_part.count(b"\n")
        if self._head_lines > HEAD_LIMIT_LINES:
            self._refuse(431, f"The request has more than {HEAD_LIMIT_LINES} header lines.")
            return
        self._head_tail = data[-3:]
        if len(data) > self._head_limit - self._head_bytes:
            self._receive_past_the_limit(data)
            return
        self._head_bytes += len(data)
        super().data_received(data)  # completing the head resets the count and stops the clock
        if self.transport.get_protocol() is not self:  # upgraded (a WebSocket): no longer ours to time
            self._drop_head_timer()  # nor to be kept alive by our timer until it fires
            return
        if self._head_bytes and self._head_since is None and not self.transport.is_closing():
            self._start_head_clock()  # a kept-alive connection's next head: its first bytes

    def _receive_past_the_limit(self, data: bytes) -> None:
        """Feed what fits; if the head did not end in it, refuse. Else the rest is read normally."""
        room = self._head_limit - self._head_bytes
        heads = self._heads
        self._head_bytes += room
        if room:
            super().data_received(data[:room])
        if self._heads == heads:
            if not (self._refused or self.transport.is_closing()):
                self._refuse(431, f"The request line and headers exceed {self._head_limit} bytes.")
            return
        if not self.transport.is_closing() and self.transport.get_protocol() is self:  # not upgraded
            self.data_received(data[room:])

    # Hooks -------------------------------------------------------------------------------------

    def _awaiting_head(self) -> bool:
        raise NotImplementedError

    def _release_head(self) -> None:
        """Drop what the parser holds of the refused head (up to the limit), not at the close:
        a lingering connection must cost no more than an idle one."""
        raise NotImplementedError

    def _head_complete(self) -> None:
        self._heads += 1
        self._head_bytes = 0
        self._head_lines = 0
        self._head_tail = b""
        self._stop_head_clock()

    # The head clock ----------------------------------------------------------------------------
    #
    # One timer per connection, not one per request: stopping the clock only clears
    # ``_head_since``, and a timer that fires early for the head now awaited (one that became
    # due after the timer was set) sets itself again for what that head has left. Under
    # keep-alive load this saves a timer's scheduling and cancelling on every request.

    def _start_head_clock(self) -> None:
        self._head_since = self.loop.time()
        if self._head_timer is None:
            self._head_timer = self.loop.call_at(self._head_since + self._head_timeout, self._head_timed_out)

    def _stop_head_clock(self) -> None:
        self._head_since = None

    def _drop_head_timer(self) -> None:
        """The connection is gone or handed over: the timer must not outlive it."""
        self._head_since = None
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._head_since is None:
            return  # no head is awaited: the clock restarts with the next one's first bytes
        due = self._head_since + self._head_timeout
        if self.loop.time() < due:  # set for an earlier head: this one has time left
            self._head_timer = self.loop.call_at(due, self._head_timed_out)
            return
        self._head_since = None
        if self._refused or self.transport.is_closing():
            return
        if self._head_bytes or self._response_in_flight():
            self._refuse(408, f"The request line and headers did not arrive within {self._head_timeout:g} s.")
        else:  # nothing was sent: nobody to answer
            self._refused = True
            self.transport.close()

    # Refusing ----------------------------------------------------------------------------------

    def _response_in_flight(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` and close; after the response in flight instead, if there is one."""
        self._refused = True
        self._stop_head_clock()
        if self._response_in_flight():
            self.cycle.keep_alive = False  # the answer being written is the connection's last
            self.flow.pause_reading()
            return
        self._release_head()
        body = message.encode("ascii")
        lines = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}".encode("ascii")]
        lines += [name + b": " + value for name, value in self.server_state.default_headers]
        lines += [
            b"content-type: text/plain; charset=utf-8",
            b"content-length: " + str(len(body)).encode("ascii"),
            b"connection: close",
            b"",
            body,
        ]
        self.transport.write(b"\r\n".join(lines))
        if not self.transport.can_write_eof():  # pragma: no cover - TCP transports can
            self.transport.close()
            return
        # A lingering close: the answer and a FIN now, what the client still sends read and
        # dropped until it pauses, then close. Closing with unread data would send a reset, and
        # a reset can discard the answer before the client reads it (a client slowed by a busy
        # machine may still be writing its header seconds later).
        self.transport.write_eof()
        self._last_read = self.loop.time()
        self._linger_end = self._last_read + LINGER_MAX_SECONDS
        self._linger = self.loop.call_later(LINGER_SECONDS, self._linger_or_close)

    def _linger_or_close(self) -> None:
        """Close once the client has paused for ``LINGER_SECONDS`` (or the lingering is over)."""
        quiet_from = self._last_read + LINGER_SECONDS
        if self.loop.time() >= min(quiet_from, self._linger_end):
            self._linger = None
            self.transport.close()
        else:  # still sending: look again when it may have paused
            self._linger = self.loop.call_at(min(quiet_from, self._linger_end), self._linger_or_close)


try:  # uvicorn's "auto" choice: httptools when installed, h11 otherwise
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
    from ghl_mock.connections_h11 import TrackingH11Protocol

    TrackingHTTPProtocol: type[asyncio.Protocol] = TrackingH11Protocol
else:

    class TrackingHttpToolsProtocol(_HeadGuard, HttpToolsProtocol):
        """On httptools: the parser's callbacks mark where a head ends and the next one starts."""

        _in_head = True
        _scopes_carry_transport = True

        def _awaiting_head(self) -> bool:
            return self._in_head

        def _release_head(self) -> None:
            self.parser = httptools.HttpRequestParser(self)  # the old one holds the partial header
            self.url = b""
            self.headers = []

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._head_complete()
            scope = cast("dict[str, Any]", self.scope)  # uvicorn types it as its HTTPScope
            scope[TRANSPORT_KEY] = self.transport  # the scope uvicorn's cycle is about to get
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._in_head = True
            super().on_message_complete()

    TrackingHTTPProtocol = TrackingHttpToolsProtocol


def transport_of(scope: Scope) -> asyncio.Transport | None:
    """The transport of the connection that carried this request; None in-process."""
    return cast("asyncio.Transport | None", scope.get(TRANSPORT_KEY))  # uvloop's is no subclass


async def drop(transport: asyncio.Transport) -> None:
    """Close the connection now, sending nothing more; let uvicorn see the disconnect first."""
    transport.abort()
    for _ in range(3):  # connection_lost runs on the next loop iterations
        await asyncio.sleep(0)


def __getattr__(name: str) -> Any:
    """``TrackingH11Protocol`` on first use (connections_h11.py): serving on httptools never loads h11."""
    if name == "TrackingH11Protocol":
        from ghl_mock.connections_h11 import TrackingH11Protocol

        return TrackingH11Protocol
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

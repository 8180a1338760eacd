"""A server-level hook for faults an ASGI app cannot express: closing a connection with no
reply, or in the middle of a body.

``TrackingHTTPProtocol`` is uvicorn's HTTP protocol that puts each connection's own transport
into the scope of every request it carries (``scope["ghl_mock.transport"]``). ``serve`` and
``LiveServer`` use it. In-process (no socket) the key is absent, and the faults raise the httpx
exception a client would get from a real socket instead. The transport is looked up per
request, never by peer address: an in-process client's made-up address may be a live one's.
"""

from __future__ import annotations

import asyncio
from typing import cast

from starlette.types import Receive, Scope, Send

try:  # uvicorn's "auto" choice: httptools when installed, h11 otherwise
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]

TRANSPORT_KEY = "ghl_mock.transport"


class TrackingHTTPProtocol(_Base):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # Both uvicorn protocols start every request cycle with ``self.app``: wrapping it per
        # connection hands the app this connection's transport, whichever protocol runs.
        app = self.app

        async def with_transport(scope: Scope, receive: Receive, send: Send) -> None:
            scope[TRANSPORT_KEY] = transport
            await app(scope, receive, send)

        self.app = with_transport


def transport_of(scope: Scope) -> asyncio.Transport | None:
    """The transport of the connection that carried this request; None in-process."""
    return cast("asyncio.Transport | None", scope.get(TRANSPORT_KEY))  # uvloop's is no subclass


async def drop(transport: asyncio.Transport) -> None:
    """Close the connection now, sending nothing more; let uvicorn see the disconnect first."""
    transport.abort()
    for _ in range(3):  # connection_lost runs on the next loop iterations
        await asyncio.sleep(0)

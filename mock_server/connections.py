"""A server-level hook for faults an ASGI app cannot express: closing a connection with no
reply, or in the middle of a body.

``TrackingHTTPProtocol`` is uvicorn's HTTP protocol plus a registry from the peer address (what
ASGI puts in ``scope["client"]``) to the connection's transport. ``serve`` and ``LiveServer`` use
it. In-process (no socket) the registry has no entry, and the faults raise the httpx exception
a client would get from a real socket instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import Scope

try:  # uvicorn's "auto" choice: httptools when installed, h11 otherwise
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]

_transports: dict[tuple[Any, ...], asyncio.Transport] = {}


class TrackingHTTPProtocol(_Base):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        self._ghl_mock_peer = tuple(peer[:2]) if isinstance(peer, tuple) else None
        if self._ghl_mock_peer is not None:
            _transports[self._ghl_mock_peer] = transport

    def connection_lost(self, exc: Exception | None) -> None:
        peer = getattr(self, "_ghl_mock_peer", None)
        if peer is not None and _transports.get(peer) is self.transport:
            del _transports[peer]
        super().connection_lost(exc)


def transport_of(scope: Scope) -> asyncio.Transport | None:
    client = scope.get("client")
    return _transports.get(tuple(client)) if client else None


async def drop(transport: asyncio.Transport) -> None:
    """Close the connection now, sending nothing more; let uvicorn see the disconnect first."""
    transport.abort()
    for _ in range(3):  # connection_lost runs on the next loop iterations
        await asyncio.sleep(0)

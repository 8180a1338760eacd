"""What the network faults raise when there is no socket (in-process clients): the httpx
exceptions a client would get from a real one. Imported only when such a fault fires."""

from __future__ import annotations

import httpx


class EmptyReply(httpx.RemoteProtocolError):
    """In-process stand-in for a server that closed the connection without answering."""

    network_fault = True


class TruncatedBody(httpx.RemoteProtocolError):
    """In-process stand-in for a server that closed the connection in the middle of the body."""

    network_fault = True


class HangTimeout(httpx.ReadTimeout):
    """In-process stand-in for a server that never answers: the client's read timeout."""

    network_fault = True

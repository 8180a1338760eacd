"""CORS for local front-ends, so a page on e.g. http://localhost:5173 can ``fetch`` the API.

``front.Front`` runs Starlette's CORS middleware with these, for requests that carry ``Origin``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ghl_mock.wire import RATE_LIMIT_HEADERS

ALLOWED_HEADERS = (
    "Authorization",
    "Version",
    "Content-Type",
    "Prefer",
    "X-Mock-Consent",
    "X-Mock-Scenario",
    "X-Mock-Session",
)
EXPOSED_HEADERS = (
    "Location",
    *RATE_LIMIT_HEADERS,
    "X-Ghl-Mock-Reason",
    "X-Ghl-Mock-Rule",
    "X-Ghl-Mock-Hint",
    "X-Ghl-Mock-Note",
    "X-Ghl-Mock-Step",
    "X-Ghl-Mock-Off-Contract",
)


#: A host as browsers send it in ``Origin``: a name (its xn-- form if not ASCII) or an [IPv6] address.
#: A host name (letters, digits, ``.``, ``-`` and ``_``: Compose service names have underscores;
#: a trailing ``.`` allowed) or a bracketed IPv6 address (a zone as ``%25eth0``).
HOST = r"[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?\.?|\[[0-9A-Fa-f:.]+(?:%25[A-Za-z0-9._~-]+)?\]"
_ORIGIN = re.compile(rf"(?P<scheme>https?)://(?P<host>{HOST})(?::(?P<port>[0-9]{{1,5}}|\*))?/?", re.IGNORECASE)


def normal_origin(origin: str, *, any_port: bool = True) -> str:
    """``origin`` as a browser sends it (lower case, no trailing slash), or ``ValueError`` saying why not.

    An origin is ``*`` (any origin) or ``scheme://host[:port]`` with http or https; with ``any_port``
    the port may be ``*`` (any port, what ``origin_regex`` supports).
    """
    if origin == "*":
        return origin
    shape = "scheme://host[:port] with http or https, such as http://localhost:5173"
    shape += ", or :* for any port (http://localhost:*), or * for any origin" if any_port else ", or *"
    match = _ORIGIN.fullmatch(origin)
    if not match:
        raise ValueError(f"{origin!r} is not an origin: expected {shape}; no path, query or user name")
    port = match["port"]
    if port == "*" and not any_port:
        raise ValueError(f"{origin!r}: a postMessage targetOrigin cannot match any port; give one ({shape})")
    if port not in (None, "*") and not 1 <= int(port) <= 65535:
        raise ValueError(f"{origin!r} has a bad port (1 to 65535): expected {shape}")
    return f"{match['scheme'].lower()}://{match['host'].lower()}" + (f":{port}" if port else "")


def origin_regex(origins: Sequence[str]) -> str | None:
    """One regex for the configured origins (``normal_origin``'s form); ``:*`` at the end matches any
    port, ``*`` any origin."""
    if not origins:
        return None
    parts = []
    for origin in origins:
        if origin == "*":
            return ".*"
        if origin.endswith(":*"):
            parts.append(re.escape(origin[:-2]) + r"(:\d+)?")
        else:
            parts.append(re.escape(origin.rstrip("/")))
    return "|".join(f"(?:{part})" for part in parts)

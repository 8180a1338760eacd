"""The signed, expiring ``state`` that carries a start request to the consent page.

HighLevel's live start endpoint puts the sub-account in a signed ``state`` parameter of the
provider URL it redirects to (research §3.1). The mock does the same with a JWT whose audience
marks it as a consent state, so it can never be used as a bearer token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

import jwt

STATE_AUDIENCE = "ghl-mock-state"
_ALGORITHM = "HS256"


class StateError(Exception):
    """The ``state`` is missing, tampered with or expired; ``str(exc)`` says which."""


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    platform: str
    location_id: str
    user_id: str
    page: str | None
    reconnect: str | None
    nonce: str
    #: A consent outcome the start request asked for (``X-Mock-Consent``), if any.
    outcome: str | None = None
    #: The start request's ``X-Mock-Session`` and ``X-Mock-Scenario``, for the browser pages.
    session: str | None = None
    scenario: str | None = None
    #: When the state expires (epoch seconds); its nonce is remembered as used until then.
    expires: float = 0.0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_HEADER = _b64(json.dumps({"alg": _ALGORITHM}, separators=(",", ":")).encode())
_PLATFORM, _LOCATION, _USER, _PAGE, _RECONNECT, _OUTCOME, _SESSION, _SCENARIO = [
    "pf",
    "lo",
    "us",
    "pg",
    "rc",
    "oc",
    "ss",
    "sc",
]


def sign_state(secret: str, request: ConsentRequest, ttl: int, now: float | None = None) -> str:
    """An HS256 JWT, encoded here rather than by PyJWT: it is on every start request's path and
    PyJWT's encode was half of that path's time (bench/). PyJWT verifies it (``read_state``), and
    tests/test_consent_page.py checks the two agree."""
    issued = time.time() if now is None else now
    # Milliseconds (RFC 7519 allows a fraction): used states are told apart by expiry (state.py).
    claims: dict[str, object] = {"aud": STATE_AUDIENCE, "exp": round(issued + ttl, 3), "jti": request.nonce}
    # Short claim names and no empty ones: the state rides in the 302's Location, which every
    # client parses (httpx re-parses it for each redirect response), so its length is paid per call.
    for claim, value in (
        (_PLATFORM, request.platform),
        (_LOCATION, request.location_id),
        (_USER, request.user_id),
        (_PAGE, request.page),
        (_RECONNECT, request.reconnect),
        (_OUTCOME, request.outcome),
        (_SESSION, request.session),
        (_SCENARIO, request.scenario),
    ):
        if value is not None:
            claims[claim] = value
    signing_input = f"{_HEADER}.{_b64(json.dumps(claims, separators=(',', ':')).encode())}"
    signature = hmac.new(secret.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def new_consent_request(
    platform: str,
    location_id: str,
    user_id: str,
    page: str | None,
    reconnect: str | None,
    outcome: str | None = None,
    session: str | None = None,
    scenario: str | None = None,
) -> ConsentRequest:
    return ConsentRequest(
        platform, location_id, user_id, page, reconnect, secrets.token_hex(8), outcome, session, scenario
    )


def read_state(secret: str, state: str | None) -> ConsentRequest:
    if not state:
        raise StateError("the state parameter is missing")
    try:
        claims = jwt.decode(
            state, secret, algorithms=[_ALGORITHM], audience=STATE_AUDIENCE, options={"require": ["exp"]}
        )
    except jwt.ExpiredSignatureError:
        raise StateError("the state has expired; start the flow again") from None
    except jwt.InvalidTokenError:
        raise StateError("the state is not one this mock signed (tampered or truncated)") from None
    try:
        return ConsentRequest(
            platform=_str(claims, _PLATFORM),
            location_id=_str(claims, _LOCATION),
            user_id=_str(claims, _USER),
            page=_opt(claims, _PAGE),
            reconnect=_opt(claims, _RECONNECT),
            nonce=_str(claims, "jti"),
            outcome=_opt(claims, _OUTCOME),
            session=_opt(claims, _SESSION),
            scenario=_opt(claims, _SCENARIO),
            expires=float(claims["exp"]),
        )
    except (KeyError, TypeError, ValueError):
        raise StateError("the state is signed but incomplete") from None


def _str(claims: dict[str, object], key: str) -> str:
    value = claims[key]
    if not isinstance(value, str):
        raise TypeError(key)
    return value


def _opt(claims: dict[str, object], key: str) -> str | None:
    value = claims.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(key)
    return value

"""Bearer tokens: minting mock OAuth JWTs and resolving any presented token to a principal.

A minted token is an HS256 JWT signed with the mock's secret. Its claims follow the shape of
HighLevel's own access tokens where that is known (``authClass``, ``authClassId``,
``oauthMeta.scopes``); ``docs/decisions.md`` lists the choices.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import jwt

from ghl_mock.bounded import Bounded
from ghl_mock.errors import ApiError
from ghl_mock.fixtures import Fixtures
from ghl_mock.masking import mask
from ghl_mock.rules import TOKEN_INVALID_JWT, TOKEN_INVALID_PIT, Rule

AuthClass = Literal["Location", "Company"]
ALGORITHM = "HS256"
ISSUER = "ghl-mock"
#: HighLevel access tokens live about a day (`expires_in: 86399`).
DEFAULT_EXPIRES_IN = 86399


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a valid token speaks for."""

    kind: Literal["oauth", "pit"]
    auth_class: AuthClass
    #: The location (Sub-Account) or company (Agency) the token belongs to.
    auth_class_id: str
    scopes: frozenset[str]

    @property
    def location_id(self) -> str | None:
        return self.auth_class_id if self.auth_class == "Location" else None


def mint_token(
    secret: str,
    *,
    auth_class: AuthClass,
    auth_class_id: str,
    scopes: Iterable[str],
    expires_in: int = DEFAULT_EXPIRES_IN,
    now: float | None = None,
) -> str:
    """A bearer token the mock accepts. A negative ``expires_in`` mints an already-expired token."""
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "authClass": auth_class,
        "authClassId": auth_class_id,
        "oauthMeta": {"scopes": list(scopes)},
        "iat": issued,
        "exp": issued + expires_in,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


#: Authorization schemes named as they are in a refusal's reason; any other first word may be a
#: credential sent without a scheme, and is masked.
KNOWN_SCHEMES = frozenset({"basic", "digest", "token", "bearer:", "jwt", "oauth", "negotiate", "hmac"})


def bearer_of(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer …`` header, or an ApiError saying what is wrong."""
    if authorization is None or not authorization.strip():
        raise ApiError(TOKEN_INVALID_JWT, "no Authorization header")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        # No scheme at all (``Authorization: pit-…``) would echo the credential: say only its shape.
        shown = scheme if scheme.lower() in KNOWN_SCHEMES else mask(scheme)
        raise ApiError(TOKEN_INVALID_JWT, f"Authorization scheme is {shown!r}, not Bearer")
    if not token.strip():
        raise ApiError(TOKEN_INVALID_JWT, "Bearer with no token")
    # Stray whitespace stays part of the token, as HighLevel treats it (research §3.2: a PIT
    # with extra whitespace is an invalid PIT).
    return token


#: Verified JWTs remembered (with their expiry) so a client's repeated token is not re-decoded;
#: refused ones likewise, with the reason: at most this many in each, each holding at most
#: TOKEN_CACHE_BYTES of token text. Tokens longer than MAX_CACHED_TOKEN are checked every time,
#: never kept. A full reset empties both.
TOKEN_CACHE_SIZE = 4096
TOKEN_CACHE_BYTES = 2 * 1024 * 1024
MAX_CACHED_TOKEN = 4096


class ClockRefusal(ApiError):
    """A refusal that another moment may word differently (expired, not yet valid, wrong claims
    of a token that will expire): never remembered."""


class TokenVerifier:
    """Resolves tokens to principals: fixture PITs by lookup, JWTs by signature and claims.

    A JWT that verified once is remembered until its ``exp``: the same token string with the
    same secret always verifies the same way, so only the expiry needs checking again. A refusal
    that can never change (not a JWT, a bad signature) is remembered with its reason, so a client
    repeating a bad token gets the same answer without another decode; ``expired``, ``not yet
    valid`` and a signed token with wrong claims (``expired`` once past its ``exp``) are decided
    afresh every time.
    """

    def __init__(self, secret: str, fixtures: Fixtures):
        self._secret = secret
        self._fixtures = fixtures
        self._verified: Bounded[str, tuple[Principal, float]] = Bounded(TOKEN_CACHE_SIZE, TOKEN_CACHE_BYTES, _cost)
        self._refused: Bounded[str, tuple[Rule, str]] = Bounded(TOKEN_CACHE_SIZE, TOKEN_CACHE_BYTES, _cost)
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every remembered verdict (a reset)."""
        with self._lock:
            self._verified.clear()
            self._refused.clear()

    def cached(self) -> dict[str, int]:
        """How many verdicts are remembered, and the bytes of their tokens."""
        with self._lock:
            return {
                "verified": len(self._verified),
                "refused": len(self._refused),
                "bytes": self._verified.bytes + self._refused.bytes,  # estimated, see _cost
            }

    def resolve(self, token: str) -> Principal:
        if token.lstrip().startswith("pit-"):
            return self._resolve_pit(token)
        return self._resolve_jwt(token)

    def _resolve_pit(self, token: str) -> Principal:
        pit = self._fixtures.pit(token)
        if pit is None:
            raise ApiError(TOKEN_INVALID_PIT, f"unknown Private Integration token {mask(token)}")
        owner = pit.location_id if pit.auth_class == "Location" else pit.company_id
        assert owner is not None  # guaranteed by the fixture model
        return Principal("pit", pit.auth_class, owner, frozenset(pit.scopes))

    def _resolve_jwt(self, token: str) -> Principal:
        with self._lock:
            cached = self._verified.get(token)
            refused = self._refused.get(token)
        if refused is not None:
            raise ApiError(*refused)
        if cached is not None:
            principal, expires = cached
            if time.time() < expires:
                return principal
            with self._lock:
                self._verified.pop(token)
            raise ApiError(TOKEN_INVALID_JWT, "token expired")
        try:
            principal, expires = self._verify_jwt(token)
        except ApiError as error:
            if not isinstance(error, ClockRefusal) and len(token) <= MAX_CACHED_TOKEN:
                _remember(self._lock, self._refused, token, (error.rule, error.reason))
            raise
        if len(token) <= MAX_CACHED_TOKEN:
            _remember(self._lock, self._verified, token, (principal, expires))
        return principal

    def _verify_jwt(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], options={"require": ["exp", "iat"]})
        except jwt.ExpiredSignatureError:
            raise ClockRefusal(TOKEN_INVALID_JWT, "token expired") from None
        except jwt.ImmatureSignatureError as exc:
            raise ClockRefusal(TOKEN_INVALID_JWT, f"not a valid JWT: {exc}") from None
        except jwt.InvalidSignatureError:
            raise ApiError(TOKEN_INVALID_JWT, "bad signature (not signed with this mock's secret)") from None
        except jwt.InvalidTokenError as exc:
            raise ApiError(TOKEN_INVALID_JWT, f"not a valid JWT: {exc}") from None
        try:
            principal = _principal_from_claims(claims)
        except ApiError as error:  # signed, but its claims are wrong: once past ``exp`` it is "expired"
            raise ClockRefusal(error.rule, error.reason) from None
        return principal, float(claims["exp"])


#: What a cached verdict costs beyond its strings' characters (the entry, the tuple, each str
#: object in a principal's scopes), roughly, so that the byte budget bounds memory, not text.
ENTRY_COST = 200
STR_COST = 60


def _cost(token: str, verdict: Any) -> int:
    cost = ENTRY_COST + len(token)
    first = verdict[0] if isinstance(verdict, tuple) and verdict else None
    if isinstance(first, Principal):  # 530 two-letter scopes cost ~35 kB, not 1 kB
        cost += len(first.auth_class_id) + sum(STR_COST + len(scope) for scope in first.scopes)
    elif isinstance(verdict, tuple) and len(verdict) > 1:
        cost += len(str(verdict[1]))
    return cost


def _remember(lock: threading.Lock, cache: Bounded[str, Any], token: str, verdict: Any) -> None:
    with lock:
        cache.put(token, verdict)


def _principal_from_claims(claims: dict[str, Any]) -> Principal:
    auth_class = claims.get("authClass")
    auth_class_id = claims.get("authClassId")
    meta = claims.get("oauthMeta")
    scopes = meta.get("scopes") if isinstance(meta, dict) else None
    if auth_class not in ("Location", "Company"):
        raise ApiError(TOKEN_INVALID_JWT, "claim authClass must be Location or Company")
    if not isinstance(auth_class_id, str) or not auth_class_id:
        raise ApiError(TOKEN_INVALID_JWT, "claim authClassId missing")
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise ApiError(TOKEN_INVALID_JWT, "claim oauthMeta.scopes must be a list of strings")
    return Principal("oauth", auth_class, auth_class_id, frozenset(scopes))

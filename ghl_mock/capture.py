"""Capture files: what ``ghl-mock record`` saw pass between a client and the upstream, masked.

A capture is JSON Lines (docs/decisions.md, "Record and compare"): a first line that says what it
is and where it was recorded from, then one line per exchange, appended and flushed as each one
completes, so a proxy stopped with Ctrl-C loses nothing and a bad line is named by its number.

Nothing in a capture is a whole credential. ``mask_text`` shortens, with ``masking.mask``, every
value that looks like one wherever it appears (bodies, header values, the query, the path):
``Bearer``/``Basic`` credentials, JWTs (``eyJ….….…``), Private Integration Tokens
(``pit-<uuid>``), the values of ``state``/``code``/``token``-style query parameters and of
token-named JSON keys (``access_token``, ``refreshToken``, …). ``Authorization`` is not kept as a
header at all: ``auth`` says what it was (its masked form, its scheme, JWT or PIT, and a JWT's
non-secret claims: auth class, its id, scopes, whether it had expired), which is what ``compare``
needs to substitute a token the mock accepts. A masked response header stays sendable: the
``…`` that ``mask`` writes is percent-encoded there (``%E2%80%A6``), so a scenario can replay it.

This module also turns a capture into a scenario (``to_scenario``): one ``raw`` step per exchange,
so the mock answers each recorded request exactly as recorded.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final, Literal, TypeVar
from urllib.parse import unquote_plus

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ghl_mock.file_errors import TOO_DEEP, FileError, first_error
from ghl_mock.masking import SECRET_PARAMS, mask
from ghl_mock.operations import OPERATIONS, Operation
from ghl_mock.platforms import Api
from ghl_mock.scenarios.loader import NAME
from ghl_mock.versions import choose

FORMAT: Final = "ghl-mock-capture"
FORMAT_VERSION: Final = 1
#: The largest capture file read (bytes).
MAX_CAPTURE_BYTES: Final = 64 * 1024 * 1024
#: Default bound on one request or response body (bytes), in the proxy and in a capture.
DEFAULT_MAX_BODY: Final = 1024 * 1024
#: What ``mask`` puts between a credential's ends.
ELLIPSIS: Final = "…"

# --- masking ----------------------------------------------------------------------------------

#: A parameter, JSON key or header is a credential when its name, lower-cased with everything but
#: letters and digits dropped (``access_token``, ``accessToken``, ``X-Auth-Token``, ``%73tate`` once
#: decoded), is one of these or contains one of the stems.
_SECRET_NAMES: Final = frozenset(
    {name.replace("_", "") for name in SECRET_PARAMS}
    | {"nonce", "auth", "authorization", "key", "sig", "otp", "pin", "assertion", "jti", "jwt", "bearer"}
)
_SECRET_STEMS: Final = ("token", "secret", "password", "passwd", "apikey", "credential", "signature", "cookie")
#: JSON keys masked only when their value looks opaque (an address has a ``state``, an error may
#: have a short ``code``): 16 characters or more without whitespace.
_OPAQUE_ONLY: Final = frozenset({"state", "code"})
_OPAQUE = re.compile(r"^\S{16,}$")


def secret_name(name: str) -> bool:
    plain = re.sub(r"[^a-z0-9]", "", unquote_plus(name).lower())
    return plain in _SECRET_NAMES or any(stem in plain for stem in _SECRET_STEMS)


#: ``name=value`` in a query, a form body or a URL anywhere in a text; the name may be
#: percent-encoded, and may follow a JSON-escaped ``&`` (``\u0026``).
_QUERY_VALUE = re.compile(
    r"(?:(?<![A-Za-z0-9_.%\\-])|(?<=\\u0026))((?:[A-Za-z0-9_.-]|%[0-9A-Fa-f]{2})+)=([^&#\s\"'<>\\]+)"
)
#: The same in a URL carried percent-encoded in another (``redirect_uri=…%3Fstate%3D…%26code%3D…``).
_ENCODED_QUERY_VALUE = re.compile(r"(?i)(?<=%3F|%26)([A-Za-z0-9_.-]+)%3D((?:(?!%26|%23)[^&#\s\"'<>\\])+)")
#: A path segment after one named for credentials (``/oauth/tokens/<token>/revoke``).
_PATH_SECRET = re.compile(
    r"(?i)(?<=/)([A-Za-z0-9_.-]*(?:token|secret|key|password|credential)[A-Za-z0-9_.-]*)/([^/?#\s\"'<>\\]+)"
)
_JSON_KEY = r'"((?:[^"\\]|\\.)+)"(\s*:\s*)'
_JSON_SECRET = re.compile(_JSON_KEY + r'"((?:[^"\\]|\\.)*)"')
#: The same inside a JSON string (JSON text carried as a string value: ``\"token\":\"…\"``).
_ESCAPED_SECRET = re.compile(r'\\"([^"\\]+)\\"(\s*:\s*)\\"((?:[^"\\]|\\[^"])*)\\"')
_JSON_LIST = re.compile(_JSON_KEY + r"\[([^\[\]]*)\]")
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SCHEME_CREDENTIAL = re.compile(r"(?i)\b(bearer|basic)(\s+)([A-Za-z0-9._~+/=-]+)")
#: A JWT starts where a token can (not inside a longer word): a linear scan, not one per ``eyJ``.
#: Its parts may be broken across lines (a real or a JSON-escaped line break), as long tokens are.
_B64 = r"[A-Za-z0-9_-]+(?:(?:\r?\n|\\r\\n|\\n)[A-Za-z0-9_-]+)*"
_JWT = re.compile(rf"(?<![A-Za-z0-9_-])eyJ{_B64}\.{_B64}\.(?:{_B64})?")
_PIT = re.compile(r"pit-[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
#: What ``mask`` makes (six characters, the ellipsis, four), in text or in a header (percent-encoded).
_MASKED = re.compile(r"^(?:\*\*\*|[^…]{6}…[^…]{4}|.{6}%E2%80%A6.{4})$", re.S)


def _shortened(value: str) -> str:
    """``mask(value)``, leaving a value ``mask`` made as it is (masking twice is a no-op)."""
    return value if _MASKED.match(value) else mask(value)


def mask_text(text: str) -> str:
    """``text`` with every credential-looking value shortened by ``masking.mask``; idempotent."""

    def query(found: re.Match[str]) -> str:
        name, value = found.group(1), found.group(2)
        return f"{name}={_shortened(value)}" if secret_name(name) else found.group(0)

    def json_secret(key: str, value: str) -> bool:
        plain = re.sub(r"[^a-z0-9]", "", key.lower())
        return bool(value) and (secret_name(key) if plain not in _OPAQUE_ONLY else bool(_OPAQUE.match(value)))

    def json_key(found: re.Match[str]) -> str:
        key, colon, value = found.groups()
        return f'"{key}"{colon}"{_shortened(value)}"' if json_secret(key, value) else found.group(0)

    def escaped_key(found: re.Match[str]) -> str:
        key, colon, value = found.groups()
        return f'\\"{key}\\"{colon}\\"{_shortened(value)}\\"' if json_secret(key, value) else found.group(0)

    def json_list(found: re.Match[str]) -> str:
        key, colon, items = found.groups()
        if not secret_name(key):
            return found.group(0)
        masked = _JSON_STRING.sub(lambda m: '"' + _shortened(m.group(1)) + '"', items)
        return f'"{key}"{colon}[{masked}]'

    text = _QUERY_VALUE.sub(query, text)
    text = _ENCODED_QUERY_VALUE.sub(
        lambda m: f"{m.group(1)}%3D{_shortened(m.group(2))}" if secret_name(m.group(1)) else m.group(0), text
    )
    text = _PATH_SECRET.sub(
        lambda m: f"{m.group(1)}/{_shortened(m.group(2))}" if secret_name(m.group(1)) else m.group(0), text
    )
    text = _JSON_SECRET.sub(json_key, text)
    text = _ESCAPED_SECRET.sub(escaped_key, text)
    text = _JSON_LIST.sub(json_list, text)
    text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m.group(1)}{m.group(2)}{_shortened(m.group(3))}", text)
    text = _JWT.sub(lambda m: _shortened(m.group(0)), text)
    return _PIT.sub(lambda m: _shortened(m.group(0)), text)


def header_safe(value: str) -> str:
    """A masked header value as latin-1 text: ``mask``'s ``…`` percent-encoded (valid in a URL too)."""
    return value.replace(ELLIPSIS, "%E2%80%A6")


_COOKIE_PAIR = re.compile(r"(^|[;,]\s*)([^=;,\s]+)=([^;,]*)")
#: ``Set-Cookie`` attributes, whose values are not secrets.
_COOKIE_ATTRIBUTES: Final = frozenset({"path", "domain", "expires", "max-age", "samesite", "priority"})


def mask_header(name: str, value: str) -> str:
    """A header value as a capture keeps it: cookies, credentials and API keys shortened, then
    ``mask_text``."""
    lowered = name.lower()
    if lowered in ("cookie", "set-cookie"):  # every name=value pair but the attributes
        if "=" not in value:
            value = _shortened(value)
        else:
            value = _COOKIE_PAIR.sub(
                lambda m: (
                    m.group(0)
                    if m.group(2).lower() in _COOKIE_ATTRIBUTES
                    else f"{m.group(1)}{m.group(2)}={_shortened(m.group(3))}"
                ),
                value,
            )
    elif lowered in ("authorization", "proxy-authorization"):
        scheme, sep, rest = value.strip().partition(" ")
        value = f"{scheme} {_shortened(rest.strip())}" if sep and rest.strip() else _shortened(value)
    elif secret_name(name) and not _MASKED.match(value):  # X-Api-Key, X-Auth-Token, Token, ...
        value = _shortened(value)
    return header_safe(mask_text(value))


# --- the file's lines -------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
Headers = list[tuple[str, str]]


_HEADER_VALUE = re.compile(r"^[\t\x20-\x7e\x80-\xff]*$")


def _check_headers(headers: Headers) -> Headers:
    for name, value in headers:
        if not _HEADER_NAME.match(name):
            raise ValueError(f"header name {name!r} is not a valid HTTP token")
        if not _HEADER_VALUE.match(value):
            raise ValueError(f"header {name}: the value must be one line of latin-1 text")
    return headers


class CaptureHeader(_Model):
    """The first line: what the file is, where it was recorded from, with which bound."""

    format: Literal["ghl-mock-capture"]
    version: Literal[1]
    upstream: str = Field(min_length=1)
    started_at: str = Field(alias="startedAt")
    ghl_mock_version: str = Field(alias="ghlMockVersion")
    max_body: int = Field(DEFAULT_MAX_BODY, alias="maxBody", ge=0)

    @field_validator("upstream")
    @classmethod
    def _base_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be the http(s) base URL the capture was recorded from")
        return value


class Auth(_Model):
    """What the request's ``Authorization`` was, never the credential itself."""

    masked: str = Field(description="The header as masking.mask leaves it (Bearer pit-00…0001)")
    scheme: str | None = Field(None, description="Its first word when that is a scheme (Bearer)")
    kind: Literal["jwt", "pit", "other"]
    auth_class: str | None = Field(None, alias="authClass")
    auth_class_id: str | None = Field(None, alias="authClassId")
    scopes: list[str] | None = None
    expired: bool | None = Field(None, description="A JWT whose exp had passed when it was sent")


_BODY = Field("", description="The body as UTF-8 text, masked")
_BODY_SIZE = Field(0, alias="bodySize", ge=0, description="Bytes on the wire, before masking")
_BODY_OMITTED = Field(None, alias="bodyOmitted", description="Why the body is not kept (too large, not text)")


def header_of(headers: Headers, name: str) -> str | None:
    """The first value of header ``name`` (any case), or None."""
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


class _Message(_Model):
    """What requests and responses share (each declares its fields, so a line reads in wire order)."""

    @field_validator("headers", check_fields=False)
    @classmethod
    def _names(cls, headers: Headers) -> Headers:
        return _check_headers(headers)

    def header(self, name: str) -> str | None:
        headers: Headers = getattr(self, "headers")  # noqa: B009 - each subclass declares it
        return header_of(headers, name)


class RecordedRequest(_Message):
    method: str = Field(pattern=r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
    path: str = Field(pattern=r"^/", description="As the client sent it, percent-encoding kept")
    query: str = Field("", description="The raw query string, masked")
    auth: Auth | None = None
    headers: Headers = Field(default_factory=list)
    body: str = _BODY
    body_size: int = _BODY_SIZE
    body_omitted: str | None = _BODY_OMITTED


class RecordedResponse(_Message):
    status: int = Field(ge=100, le=599)
    headers: Headers = Field(default_factory=list)
    body: str = _BODY
    body_size: int = _BODY_SIZE
    body_omitted: str | None = _BODY_OMITTED


class Exchange(_Model):
    index: int = Field(ge=1)
    at: str
    duration_ms: float = Field(alias="durationMs", ge=0)
    request: RecordedRequest
    response: RecordedResponse


@dataclass
class Capture:
    header: CaptureHeader
    exchanges: list[Exchange] = field(default_factory=list)
    file: Path | None = None


class CaptureError(FileError):
    """A capture file that cannot be read or does not validate: file, line, field and reason."""

    def __init__(self, file: Path, line: int | None, field: str, reason: str):
        super().__init__(file, f"line {line}: {field}" if line is not None else field, reason)
        self.line = line
        self.field_name = field

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.file), "line": self.line, "field": self.field_name, "reason": self.reason}


def load_capture(path: Path) -> Capture:
    """Read and validate a capture file; ``CaptureError`` names the line and field of a problem."""
    try:
        size = path.stat().st_size
        if size > MAX_CAPTURE_BYTES:
            raise CaptureError(
                path, None, "-", f"{size:,} bytes: larger than the {MAX_CAPTURE_BYTES:,} a capture may have"
            )
        # "\n" only: splitlines() would also split at U+0085 or U+2028 inside a recorded body.
        lines = [line.removesuffix("\r") for line in path.read_text(encoding="utf-8").split("\n")]
    except FileNotFoundError:
        raise CaptureError(path, None, "-", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CaptureError(path, None, "-", f"cannot read: {exc}") from None
    numbered = [(number, line) for number, line in enumerate(lines, 1) if line.strip()]
    if not numbered:
        raise CaptureError(path, None, "-", f"empty: a capture starts with a {FORMAT!r} line")
    number, first = numbered[0]
    data = _json_line(path, number, first)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CaptureError(
            path, number, "format", f"not a ghl-mock capture: the first line must have format {FORMAT!r}"
        )
    header = _validated(CaptureHeader, path, number, data)
    capture = Capture(header, file=path)
    for number, line in numbered[1:]:
        capture.exchanges.append(_validated(Exchange, path, number, _json_line(path, number, line)))
    return capture


def _json_line(path: Path, number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except RecursionError:
        raise CaptureError(path, number, "-", TOO_DEEP) from None
    except json.JSONDecodeError as exc:
        raise CaptureError(path, number, f"column {exc.colno}", f"invalid JSON: {exc.msg}") from None


M = TypeVar("M", bound=BaseModel)


def _validated(model: type[M], path: Path, number: int, data: Any) -> M:
    try:
        return model.model_validate(data)
    except RecursionError:
        raise CaptureError(path, number, "-", TOO_DEEP) from None
    except ValidationError as exc:
        raise CaptureError(path, number, *first_error(exc)) from None


def dump_line(model: BaseModel) -> str:
    return json.dumps(model.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False)


class CaptureWriter:
    """Appends one line per exchange to a new capture file, flushed at once."""

    def __init__(self, path: Path, upstream: str, max_body: int, version: str):
        self.path = path
        self._file: IO[str] = path.open("x", encoding="utf-8")  # never overwrites a capture
        self._count = 0
        header = CaptureHeader(
            format=FORMAT,
            version=FORMAT_VERSION,
            upstream=upstream,
            started_at=now_iso(),
            ghl_mock_version=version,
            max_body=max_body,
        )
        self._write(header)

    def next_index(self) -> int:
        self._count += 1
        return self._count

    def write(self, exchange: Exchange) -> None:
        self._write(exchange)

    def _write(self, model: BaseModel) -> None:
        self._file.write(dump_line(model) + "\n")
        self._file.flush()

    @property
    def count(self) -> int:
        return self._count

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- from the wire to a capture line ----------------------------------------------------------


def body_fields(body: bytes, max_body: int) -> dict[str, Any]:
    """A body as a capture keeps it: masked UTF-8 text, or only its size and why it is omitted."""
    if len(body) > max_body:
        return {"body": "", "bodySize": len(body), "bodyOmitted": f"over {max_body:,} bytes"}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        # Bytes that are not text cannot be searched for credentials: not kept.
        return {"body": "", "bodySize": len(body), "bodyOmitted": "not UTF-8 text"}
    return {"body": mask_text(text), "bodySize": len(body)}


def auth_of(value: str, now: float | None = None) -> Auth:
    """What ``compare`` needs to know of an ``Authorization`` value, without the credential."""
    scheme, _, token = value.partition(" ")
    token = token.strip()
    if scheme.lower() not in ("bearer", "basic") or not token:
        return Auth(masked=_shortened(value), kind="other")
    masked = f"{scheme} {_shortened(token)}"
    if scheme.lower() == "bearer" and _PIT.fullmatch(token):
        return Auth(masked=masked, scheme=scheme, kind="pit")
    claims = _jwt_claims(token) if scheme.lower() == "bearer" else None
    if claims is None:
        return Auth(masked=masked, scheme=scheme, kind="other")
    meta = claims.get("oauthMeta")
    scopes = meta.get("scopes") if isinstance(meta, dict) else None
    exp = claims.get("exp")
    return Auth(
        masked=masked,
        scheme=scheme,
        kind="jwt",
        auth_class=_short_text(claims.get("authClass")),
        auth_class_id=_short_text(claims.get("authClassId")),
        scopes=[s for s in scopes if isinstance(s, str)][:100] if isinstance(scopes, list) else None,
        expired=(exp < (time.time() if now is None else now)) if isinstance(exp, int | float) else None,
    )


def _short_text(value: object) -> str | None:
    return value[:200] if isinstance(value, str) else None


def _jwt_claims(token: str) -> dict[str, Any] | None:
    """A JWT's payload, read without verifying it (nothing but its claims is kept)."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (binascii.Error, ValueError, RecursionError):
        return None
    return claims if isinstance(claims, dict) else None


#: Headers that describe one connection, not the message (RFC 9110 §7.6.1), and the proxy's own.
HOP_BY_HOP: Final = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def connection_headers(headers: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Hop-by-hop headers, with the ones a ``Connection`` header names."""
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
        if token.strip()
    }
    return HOP_BY_HOP | named


def recorded_request(
    method: str, path: str, query: str, headers: Sequence[tuple[str, str]], body: bytes, max_body: int
) -> RecordedRequest:
    drop = connection_headers(headers) | {"host", "content-length", "authorization"}
    authorization = next((value for name, value in headers if name.lower() == "authorization"), None)
    return RecordedRequest.model_validate(
        {
            "method": method,
            "path": mask_text(path),
            "query": mask_text(query),
            "headers": [(name, mask_header(name, value)) for name, value in headers if name.lower() not in drop],
            "auth": auth_of(authorization) if authorization is not None else None,
            **body_fields(body, max_body),
        }
    )


def recorded_response(status: int, headers: Sequence[tuple[str, str]], body: bytes, max_body: int) -> RecordedResponse:
    drop = connection_headers(headers)
    return RecordedResponse.model_validate(
        {
            "status": status,
            "headers": [(name, mask_header(name, value)) for name, value in headers if name.lower() not in drop],
            **body_fields(body, max_body),
        }
    )


# --- which operation a request is -------------------------------------------------------------


@dataclass(frozen=True)
class Matched:
    operation: Operation
    params: dict[str, str]


def operation_of(method: str, path: str, version: str | None) -> Matched | None:
    """The operations-table row the mock answers this request with (as routes/oauth.py picks it:
    the request's Version chooses between a path's v1 and v3 rows), or None: not an operation."""
    from ghl_mock.routes.oauth import operation_path  # the router's own match

    hit = operation_path(method.upper(), path)
    if hit is None:
        return None
    row, params = hit
    found: dict[Api, Matched] = {}
    for op in OPERATIONS:
        if (op.method, op.path) == row:
            found.setdefault(op.api, Matched(op, params))
    if set(found) == {"v1"}:
        return found["v1"]
    chosen = choose(version, frozenset(found))
    return found[chosen] if chosen is not None else None


def location_of(request: RecordedRequest, matched: Matched | None) -> str | None:
    """The location a request names: its ``locationId`` query parameter or path parameter."""
    for part in request.query.split("&"):
        key, _, value = part.partition("=")
        if key == "locationId" and value:
            from urllib.parse import unquote_plus

            return unquote_plus(value)
    if matched is not None:
        return matched.params.get("locationId")
    return None


# --- a capture as a scenario ------------------------------------------------------------------

#: Response headers a ``raw`` step may not carry (the server computes them: scenarios/model.Raw),
#: the ones the server adds to every answer anyway, and the upstream mock's own step marks.
_NOT_REPLAYED: Final = frozenset(
    {
        "content-length",
        "transfer-encoding",
        "connection",
        "date",
        "server",
        "x-ghl-mock-step",
        "x-ghl-mock-off-contract",
    }
)


@dataclass
class ScenarioExport:
    data: dict[str, Any]
    #: (exchange index, why it has no step)
    skipped: list[tuple[int, str]]


def to_scenario(capture: Capture, name: str) -> ScenarioExport:
    """One step per recorded operation: ``match`` its kind, method (and platform), ``raw`` its answer.

    Replayed in order against the mock, each request gets the recorded status, headers and body.
    Exchanges the mock does not route to an operation (its pages, the control API, unknown paths),
    with a body the capture did not keep, or with a status a raw step cannot send have no step."""
    if not NAME.match(name):
        raise ValueError(f"scenario name {name!r}: use lowercase letters, digits, '.', '_' or '-'")
    steps: list[dict[str, Any]] = []
    skipped: list[tuple[int, str]] = []
    for exchange in capture.exchanges:
        request, response = exchange.request, exchange.response
        matched = operation_of(request.method, request.path, request.header("version"))
        if matched is None:
            skipped.append((exchange.index, f"{request.method} {request.path} is not an operation the mock routes"))
            continue
        if response.body_omitted is not None:
            skipped.append((exchange.index, f"its body was not kept ({response.body_omitted})"))
            continue
        if response.status < 200:
            skipped.append((exchange.index, f"status {response.status} is not a final answer"))
            continue
        op = matched.operation
        match: dict[str, Any] = {"endpoint": op.kind, "method": request.method}
        if op.platform is not None:
            match["platform"] = op.platform.slug
        headers: dict[str, str] = {}
        for header, value in response.headers:
            if header.lower() in _NOT_REPLAYED:
                continue
            same = next((key for key in headers if key.lower() == header.lower()), None)
            if same is None:
                headers[header] = value
            elif header.lower() != "set-cookie":
                headers[same] = f"{headers[same]}, {value}"  # a list header, as one value
            else:
                skipped.append((exchange.index, f"a second {header} header is not replayed"))
        body = "" if response.status in (204, 304) else response.body
        steps.append({"match": match, "raw": {"status": response.status, "headers": headers, "body": body}})
    upstream = capture.header.upstream
    description = (
        f"Recorded from {upstream[:80]} at {capture.header.started_at}: {len(steps)} answers, replayed as recorded"
    )
    data: dict[str, Any] = {"description": description, "steps": steps}
    return ScenarioExport(data, skipped)


def scenario_yaml(data: dict[str, Any]) -> str:
    """The scenario as YAML that reads back to exactly ``data`` (checked: a body is replayed byte for byte)."""
    import yaml

    head = "# Made by `ghl-mock record --to-scenario`; every step answers one recorded request.\n"
    # Readable first; characters YAML itself treats as line breaks (U+0085, U+2028) read back
    # changed that way, so then every non-ASCII character is written escaped instead.
    for readable in (True, False):
        text = head + yaml.safe_dump(
            data, sort_keys=False, allow_unicode=readable, width=1_000_000, default_flow_style=False
        )
        if yaml.safe_load(text) == data:
            return text
    raise ValueError("the scenario does not read back as written")  # pragma: no cover - a YAML bug

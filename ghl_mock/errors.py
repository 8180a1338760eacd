"""Errors are data; this module is the one place that turns them into HTTP responses.

``ApiError`` carries a row of the rule table (``rules.py``) plus what the request contributed.
The body is exactly what HighLevel sends; the ``X-Ghl-Mock-Reason`` header says, for humans,
which check failed and why (HighLevel itself does not send it), and the same diagnosis goes
into the request scope (``wire.RULE_KEY``/``REASON_KEY``), where the journal reads it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from ghl_mock.masking import masked_query_of
from ghl_mock.rules import Rule
from ghl_mock.wire import REASON_HEADER, REASON_KEY, RULE_HEADER, RULE_KEY

_UNPRINTABLE = re.compile(r"[^ -~]")


class MockUsageError(Exception):
    """A request misused one of ghl-mock's own extensions (a ``X-Mock-*`` header, say)."""


class ApiError(Exception):
    """A request failed one of the table's checks."""

    def __init__(self, rule: Rule, reason: str, *, value: str = "", messages: list[str] | None = None):
        super().__init__(f"{rule.name}: {reason}")
        self.rule = rule
        self.reason = reason
        self.value = value
        self.messages = messages

    def body(self) -> dict[str, Any]:
        return error_body(self.rule, value=self.value, messages=self.messages)


def error_body(rule: Rule, *, value: str = "", messages: list[str] | None = None) -> dict[str, Any]:
    """The exact JSON body HighLevel sends for ``rule``."""
    message: str | list[str] = messages if messages is not None else rule.message.replace("{value}", value)
    body: dict[str, Any] = {"statusCode": rule.status, "message": message}
    if rule.error_label is not None:
        body["error"] = rule.error_label
    return body


def diagnose(scope: Scope | None, rule: str | None, reason: str) -> dict[str, str]:
    """Leave the diagnosis where the journal reads it; return it as response headers."""
    safe = header_safe(reason)
    if scope is not None:
        scope[REASON_KEY] = safe
        if rule is not None:
            scope[RULE_KEY] = rule
    headers = {REASON_HEADER: safe}
    if rule is not None:
        headers[RULE_HEADER] = rule
    return headers


class JSONAnswer(Response):
    """A JSON answer with its body already rendered, headers set without Starlette's generic pass.

    The bytes on the wire are those of ``JSONResponse``: the same compact JSON, the given headers
    first, then ``content-length`` and ``content-type: application/json``.
    """

    media_type = "application/json"

    def __init__(self, body: bytes, status_code: int, headers: dict[str, str] | None = None) -> None:
        self.status_code = status_code
        self.body = body
        self.background = None
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()] if headers else []
        raw += [(b"content-length", str(len(body)).encode("latin-1")), (b"content-type", b"application/json")]
        self.raw_headers = raw


def json_bytes(content: Any) -> bytes:
    """JSON as Starlette's ``JSONResponse`` renders it."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


#: Rendered bodies of the rule rows whose message is fixed (or filled from a short value): these
#: answers repeat, so each is rendered once. Bounded; past the bound a body is rendered per request.
_BODIES: dict[tuple[str, str], bytes] = {}
_MAX_BODIES = 512
_MAX_CACHED_VALUE = 100


def _rule_body(error: ApiError) -> bytes:
    if error.messages is not None or len(error.value) > _MAX_CACHED_VALUE:
        return json_bytes(error.body())
    key = (error.rule.name, error.value)
    body = _BODIES.get(key)
    if body is None:
        body = json_bytes(error.body())
        if len(_BODIES) < _MAX_BODIES:
            _BODIES[key] = body
    return body


def render_api_error(error: ApiError, scope: Scope | None = None) -> Response:
    return JSONAnswer(_rule_body(error), error.rule.status, diagnose(scope, error.rule.name, error.reason))


def not_found(method: str, raw_path: str, scope: Scope | None = None) -> Response:
    """NestJS's answer for a route it does not have (any method): ``Cannot GET /path?query``."""
    return JSONAnswer(
        json_bytes({"statusCode": 404, "message": f"Cannot {method} {raw_path}", "error": "Not Found"}),
        404,
        diagnose(scope, "not_found", "no such route"),
    )


def plain_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """``{statusCode, message}``: the generic error DTO, for answers no rule row describes (429, 500)."""
    return JSONAnswer(json_bytes({"statusCode": status, "message": message}), status, headers)


def internal_error(scope: Scope | None = None) -> Response:
    """NestJS's default 500 body. No stack trace or exception text ever reaches a response."""
    return plain_error(
        500, "Internal server error", diagnose(scope, None, "unhandled exception in ghl-mock (see server log)")
    )


def raw_path_of(request: Request) -> str:
    """The path and query as the client sent them (what Express's ``originalUrl`` holds)."""
    path = request.scope.get("raw_path") or request.url.path.encode()
    text = bytes(path).decode("latin-1")
    # Echoed like Express's originalUrl, except credentials (a consent state, a token) are shortened.
    query = masked_query_of(request.scope)
    return f"{text}?{query}" if query else text


def header_safe(text: str) -> str:
    """Header values must be printable latin-1 on one line."""
    return _UNPRINTABLE.sub("?", text)[:300]


def mock_usage_error(message: str, status: int = 400, scope: Scope | None = None) -> Response:
    """Shaped like HighLevel's ``BadRequestDTO`` so clients parse it, and marked as the mock's own."""
    return JSONAnswer(
        json_bytes({"statusCode": status, "message": message}),
        status,
        diagnose(scope, "mock_usage", "misused ghl-mock extension"),
    )

"""What a scenario step does to the response. Errors go through ``errors.py``, the same code as
the real checks, so a scripted error is byte for byte the real one."""

from __future__ import annotations

import asyncio
import threading
from typing import get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from ghl_mock.connections import drop, transport_of
from ghl_mock.errors import ApiError, MockUsageError, plain_error, render_api_error
from ghl_mock.platforms import Kind, Platform
from ghl_mock.rules import RULES_BY_NAME
from ghl_mock.scenarios.model import ErrorAction, RateLimit, Raw, Step
from ghl_mock.wire import OFF_CONTRACT_HEADER, RATE_LIMIT_HEADERS, STEP_HEADER

#: Gateway-style bodies. 500 is the application's own (NestJS) answer; 502/503/504 are what
#: HighLevel's edge proxy (Envoy-style) sends when the application is unreachable or slow.
GATEWAY_BODIES = {
    502: "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
    503: "no healthy upstream",
    504: "upstream request timeout",
}


def error_response(action: ErrorAction, scope: Scope | None = None, platform: Platform | None = None) -> Response:
    rule = RULES_BY_NAME[action.rule]
    messages = action.messages if rule.status == 422 else None
    if rule.name == "body_invalid" and "messages" not in action.model_fields_set:
        messages = ["originId should not be empty", "originId must be a string"]
    value = action.value if "value" in action.model_fields_set else default_value(rule.name, platform)
    return render_api_error(ApiError(rule, f"scripted {rule.name}", value=value, messages=messages), scope)


def default_value(rule: str, platform: Platform | None = None) -> str:
    """The reflected value a scripted ``rule`` uses when its step gives none."""
    if rule == "body_malformed":
        return "Unexpected end of JSON input"
    if rule == "platform_retired":
        if platform is not None and platform.retired:
            return platform.retired
        return f"{platform.display_name if platform else 'This platform'} is no longer supported"
    if rule == "platform_unsupported":
        return f"{platform.display_name if platform else 'This platform'} is currently not supported"
    return "bogus-version"


def rate_limit_response(limit: RateLimit) -> Response:
    """429: the body shape is [UNKNOWN] (research §3.5); it follows the documented error DTOs."""
    values = (limit.limit_daily, limit.daily_remaining, limit.interval_ms, limit.max, limit.remaining)
    headers = dict(zip(RATE_LIMIT_HEADERS, map(str, (*values, limit.retry_after)), strict=True))
    return plain_error(429, "Too Many Requests", headers)


def gateway_response(status: int) -> Response:
    if status == 500:
        return plain_error(500, "Internal server error")  # NestJS's own 500, as errors.internal_error
    return Response(
        GATEWAY_BODIES[status],
        status_code=status,
        media_type="text/plain",
        headers={OFF_CONTRACT_HEADER: "gateway"},
    )


def raw_response(raw: Raw) -> Response:
    response = Response(raw.body, status_code=raw.status, headers=raw.headers)
    response.headers[OFF_CONTRACT_HEADER] = "raw"
    return response


def malformed_json_response(normal: Response) -> Response:
    """The normal answer, complete at the HTTP level, with its JSON body cut in half: the
    client's parser, not the socket, fails."""
    body = bytes(normal.body)
    status = normal.status_code
    if not (normal.media_type or "").startswith("application/json"):  # the 302 of start: a JSON-ish 200
        body, status = b'{"success":true,"statusCode":200,"message":"OK","results":{}}', 200
    return Response(
        body[: max(1, len(body) // 2)],
        status_code=status,
        media_type="application/json",
        headers={OFF_CONTRACT_HEADER: "broken"},
    )


class EmptyReplyResponse(Response):
    """Close the connection without answering."""

    def __init__(self) -> None:
        super().__init__(b"")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await empty_reply(scope)


class TruncatedResponse(Response):
    """The normal answer's headers (its full Content-Length) and half its body, then a closed connection."""

    def __init__(self, normal: Response) -> None:
        super().__init__(b"")
        self.normal = normal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message = {
            "type": "http.response.start",
            "status": self.normal.status_code,
            "headers": self.normal.raw_headers,
        }
        await truncated_body(scope, send, start, bytes(self.normal.body))


class HangResponse(Response):
    """Hold the request until the client gives up (nothing sent), or answer 504 after ``seconds``."""

    def __init__(self, seconds: float, stopping: threading.Event, label: str) -> None:
        super().__init__(b"")
        self.seconds = seconds
        self.stopping = stopping
        self.label = label

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if await hang(scope, receive, self.seconds, self.stopping):
            timeout = gateway_response(504)
            timeout.headers[STEP_HEADER] = self.label
            await timeout(scope, receive, send)


_PREFER_400 = {
    "start": "version_malformed",
    "accounts": "account_not_found",
    "attach": "account_not_found",
    "list": "version_malformed",
    "delete": "social_account_not_found",
}


assert set(_PREFER_400) == set(get_args(Kind)), "every operation kind needs a forced 400"


def prefer_step(kind: str, success: int, header: str | None, missing_body: list[str] | None = None) -> Step | None:
    """Prism's ``Prefer: code=NNN``: a one-off forced answer for that documented status."""
    if not header:
        return None
    code = None
    for part in header.replace(";", ",").split(","):
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "code":
            code = value.strip().strip('"')
    if code is None:
        return None
    if code == str(success):
        return Step(passthrough=True)
    if kind == "start":
        unprocessable: dict[str, object] = {"rule": "query_invalid"}
    elif kind == "attach":
        unprocessable = {"rule": "body_invalid", "messages": missing_body or ["originId should not be empty"]}
    else:
        # an undeclared query parameter (not `search`: v3's get-oauth-accounts declares it)
        unprocessable = {"rule": "query_invalid", "messages": ["property unknown should not exist"]}
    table: dict[str, Step] = {
        "400": Step.model_validate({"error": {"rule": _PREFER_400[kind]}}),
        "401": Step.model_validate({"error": {"rule": "token_invalid_jwt"}}),
        "422": Step.model_validate({"error": unprocessable}),
        "429": Step(rate_limit=RateLimit()),
        **{str(s): Step(gateway=s) for s in (500, 502, 503, 504)},
    }
    if code not in table:
        raise MockUsageError(
            f"Prefer: code={code} is not an answer ghl-mock forces here; use {success}, {', '.join(table)}"
        )
    return table[code]


async def hang(scope: Scope, receive: Receive, seconds: float, stopping: threading.Event) -> bool:
    """Hold the request until the client disconnects, ``seconds`` pass, or the server shuts down.
    True: the client is still there (and gets a 504)."""
    if transport_of(scope) is None:
        from ghl_mock.scenarios.inprocess_faults import HangTimeout

        raise HangTimeout("ghl-mock scenario: the server never answered (hang)")
    request = Request(scope, receive)
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline and not stopping.is_set():
        if await request.is_disconnected():
            return False
        await asyncio.sleep(0.05)
    return True


async def delay(seconds: float, stopping: threading.Event, scope: Scope | None = None) -> bool:
    """Scripted latency, cut short when the server shuts down (so shutdown stays graceful) or the
    client disconnects. False: the client went away (its connection is closed; answer nothing)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    # The connection itself, not ``receive()``: reading would take a request body the handler needs.
    transport = transport_of(scope) if scope is not None else None
    while not stopping.is_set():
        if transport is not None and transport.is_closing():
            return False
        remaining = deadline - loop.time()
        if remaining <= 0:
            return True
        await asyncio.sleep(min(remaining, 0.05))
    return True


async def empty_reply(scope: Scope) -> None:
    transport = transport_of(scope)
    if transport is None:
        from ghl_mock.scenarios.inprocess_faults import EmptyReply

        raise EmptyReply("ghl-mock scenario: server closed the connection without a response")
    await drop(transport)


async def truncated_body(scope: Scope, send: Send, start: Message, body: bytes) -> None:
    """Send the normal answer's headers (its full Content-Length) and half its body, then close."""
    transport = transport_of(scope)
    if transport is None:
        from ghl_mock.scenarios.inprocess_faults import TruncatedBody

        raise TruncatedBody("ghl-mock scenario: peer closed connection without sending complete message body")
    await send(start)
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    await drop(transport)

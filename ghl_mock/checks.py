"""The checks every mocked operation runs, in the order of ``rules.STAGE_ORDER``.

``authorize`` takes the operation's row and returns what the handler needs (the version, the
principal, the validated query and body, the location); the first failing check raises its
rule's ``ApiError``. The account stage belongs to the handlers (it needs the state).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from ghl_mock.context import MockContext
from ghl_mock.errors import ApiError
from ghl_mock.operations import Operation
from ghl_mock.rules import (
    LOCATION_FORBIDDEN,
    PLATFORM_RETIRED,
    PLATFORM_UNSUPPORTED,
    TOKEN_AGENCY_PIT,
    TOKEN_COMPANY_OAUTH,
    TOKEN_MISSING_SCOPE,
)
from ghl_mock.tokens import Principal, bearer_of
from ghl_mock.validation import MAX_BODY_BYTES, parse_json_body, validate_body, validate_query
from ghl_mock.versions import check_version, requested_in


@dataclass(frozen=True, slots=True)
class Authorized:
    #: The accepted ``Version`` (None for a let-through browser navigation).
    version: str | None
    #: None when a header-less browser navigation was let through (``browser_navigation=accept``).
    principal: Principal | None
    query: dict[str, str]
    body: dict[str, Any]
    location_id: str


async def authorize(op: Operation, request: Request, ctx: MockContext) -> Authorized:
    """Run version → body parse → token → query → body → location → platform for ``op``."""
    asked = requested_in(request.scope)
    if (
        op.kind == "start"
        and asked is None  # a request with a Version is never a headerless navigation
        and ctx.settings.browser_navigation == "accept"
        and is_headerless_navigation(request)
    ):
        query = _query(op, request)
        _check_retired(op, ctx)
        return Authorized(None, None, query, {}, query["locationId"])
    version = check_version(asked, ctx.accepted_versions[op.api])
    parsed: Any = {}
    if op.body is not None:
        parsed = parse_json_body(await read_body(request), request.headers.get("content-type"))
    principal = check_principal(request.headers.get("authorization"), ctx, op.scope)
    query = _query(op, request)
    body = validate_body(parsed, op.body) if op.body is not None else {}
    location_id = query["locationId"] if op.location_in == "query" else request.path_params["locationId"]
    check_location(principal, location_id)
    _check_retired(op, ctx)
    return Authorized(version, principal, query, body, location_id)


def _query(op: Operation, request: Request) -> dict[str, str]:
    return validate_query(request.query_params.multi_items(), op.query)


def _check_retired(op: Operation, ctx: MockContext) -> None:
    """A platform HighLevel retired (twitter) or does not support yet (bluesky under v3)."""
    platform = op.platform
    if op.form is not None and op.form.unsupported:
        raise ApiError(PLATFORM_UNSUPPORTED, "HighLevel does not support it yet (v3 spec)", value=op.form.unsupported)
    if platform is not None and platform.retired and platform.slug not in ctx.settings.legacy_platforms:
        reason = f"{platform.slug} is retired (serve it with --legacy-platform {platform.slug})"
        raise ApiError(PLATFORM_RETIRED, reason, value=platform.retired)


async def read_body(request: Request) -> bytes:
    """The request body, read only one byte past the limit (a bigger body is refused unread)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            break
    return b"".join(chunks)


def is_headerless_navigation(request: Request) -> bool:
    """A browser opening the URL as a page (popup or tab), with no API headers at all.

    Browsers send ``Sec-Fetch-*`` only to trustworthy origins (https, localhost, 127.0.0.1); on a
    plain-http LAN address a navigation is recognised by ``Accept: text/html`` together with
    ``Upgrade-Insecure-Requests: 1``, which browsers send on navigations and ``fetch`` never does.
    """
    headers = request.headers
    if "version" in headers or "authorization" in headers:
        return False
    if "sec-fetch-mode" in headers:
        return headers.get("sec-fetch-mode") == "navigate" and headers.get("sec-fetch-dest") == "document"
    return "text/html" in headers.get("accept", "") and headers.get("upgrade-insecure-requests") == "1"


def check_principal(authorization: str | None, ctx: MockContext, scope: str) -> Principal:
    principal = ctx.verifier.resolve(bearer_of(authorization))
    if principal.auth_class == "Company":
        if principal.kind == "pit":
            raise ApiError(TOKEN_AGENCY_PIT, "Agency (Company) Private Integration token")
        raise ApiError(TOKEN_COMPANY_OAUTH, "Company (Agency) OAuth token on a Sub-Account endpoint")
    if scope not in principal.scopes:
        raise ApiError(TOKEN_MISSING_SCOPE, f"token lacks scope {scope}")
    return principal


def check_location(principal: Principal, location_id: str) -> None:
    if principal.location_id != location_id:
        raise ApiError(
            LOCATION_FORBIDDEN,
            f"token belongs to location {principal.location_id}, request names {location_id[:60]}",
        )

"""The checks every mocked endpoint runs, in the order of ``rules.STAGE_ORDER``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request

from mock_server.context import MockContext
from mock_server.errors import ApiError
from mock_server.rules import (
    LOCATION_FORBIDDEN,
    TOKEN_AGENCY_PIT,
    TOKEN_COMPANY_OAUTH,
    TOKEN_MISSING_SCOPE,
)
from mock_server.tokens import Principal, bearer_of
from mock_server.validation import QueryParam, validate_query
from mock_server.versions import check_version


@dataclass(frozen=True, slots=True)
class Authorized:
    query: dict[str, str]
    #: None when a header-less browser navigation was let through (``browser_navigation=accept``).
    principal: Principal | None


def authorize(
    request: Request,
    ctx: MockContext,
    *,
    scope: str,
    query_spec: Sequence[QueryParam],
    location_param: str | None = None,
    path_location: str | None = None,
    navigation_ok: bool = False,
) -> Authorized:
    """Run version → token → query → location; raise the first failing rule's ``ApiError``.

    The location comes from the path when the route has one (``path_location``), else from
    the validated query parameter ``location_param``. With ``navigation_ok`` and the
    ``browser_navigation=accept`` setting, a top-level browser navigation that carries neither
    ``Version`` nor ``Authorization`` (what ``window.open`` sends) skips the header checks.
    """
    if navigation_ok and ctx.settings.browser_navigation == "accept" and is_headerless_navigation(request):
        return Authorized(validate_query(request.query_params.multi_items(), query_spec), None)
    # Node joins a repeated header's values with ", " before HighLevel's code sees them.
    versions = request.headers.getlist("version")
    check_version(", ".join(versions) if versions else None, ctx.accepted_versions)
    principal = check_principal(request.headers.get("authorization"), ctx, scope)
    query = validate_query(request.query_params.multi_items(), query_spec)
    location_id = path_location if path_location is not None else query[str(location_param)]
    check_location(principal, location_id)
    return Authorized(query, principal)


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

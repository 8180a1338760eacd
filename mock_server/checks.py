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
    version: str
    principal: Principal
    query: dict[str, str]


def authorize(
    request: Request,
    ctx: MockContext,
    *,
    scope: str,
    query_spec: Sequence[QueryParam],
    location_param: str,
    path_location: str | None = None,
) -> Authorized:
    """Run version → token → query → location; raise the first failing rule's ``ApiError``.

    The location comes from the path when the route has one (``path_location``), else from
    the validated query parameter ``location_param``.
    """
    # Node joins a repeated header's values with ", " before HighLevel's code sees them.
    versions = request.headers.getlist("version")
    version = check_version(", ".join(versions) if versions else None, ctx.accepted_versions)
    principal = check_principal(request.headers.get("authorization"), ctx, scope)
    query = validate_query(request.query_params.multi_items(), query_spec)
    location_id = path_location if path_location is not None else query[location_param]
    check_location(principal, location_id)
    return Authorized(version, principal, query)


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

"""HighLevel's Social Planner routes: one per row of the operations table, all on the pipeline."""

from __future__ import annotations

from typing import Final

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.errors import header_safe, not_found, raw_path_of
from mock_server.operations import OPERATIONS, PREFIX
from mock_server.pipeline import endpoint
from mock_server.platforms import PLATFORMS
from mock_server.wire import HINT_HEADER


async def documented_but_missing(request: Request) -> Response:
    """The docs' prose path without ``{locationId}``: the live API has no such route (research §4.3)."""
    platform = PLATFORMS.get(request.path_params["platform"])
    if platform is None or not platform.has("accounts"):
        raise HTTPException(404)
    response = not_found(request.method, raw_path_of(request), request.scope)
    response.headers[HINT_HEADER] = header_safe(
        f"the docs' path is wrong; use {PREFIX}/oauth/{{locationId}}/{platform.slug}"
        f"/{platform.accounts_segment}/{request.path_params['accountId'][:64]}"
    )
    return response


routes: Final = [
    *(Route(op.path, endpoint(op), methods=[op.method]) for op in OPERATIONS),
    Route(f"{PREFIX}/oauth/{{platform}}/accounts/{{accountId}}", documented_but_missing, methods=["GET"]),
]

"""The table of operations: every HighLevel endpoint ghl-mock serves, as data.

One row per (method, path): its API generation, operationId, kind, scope, query and body spec,
success status and platform. The routes (``app.py``), the scenario engine's endpoint kinds, the
``Prefer`` table, CORS methods, ``/openapi.json``, the contract tests' operation list and the
test helpers' paths all derive from ``OPERATIONS``. Per-platform rows come from the platform
registry; handlers (``handlers.py``) know no platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from mock_server.platforms import PLATFORMS, BodyField, Kind, Platform
from mock_server.validation import QueryParam

PREFIX: Final = "/social-media-posting"

#: The start operations' query parameters, in spec order (all platforms share them, §2.4).
START_QUERY: Final = (
    QueryParam("locationId", required=True),
    QueryParam("userId", required=True),
    QueryParam("page", required=False),
    QueryParam("reconnect", required=False),
)
#: The delete operation's optional owner parameters (spec order).
DELETE_QUERY: Final = (QueryParam("companyId", required=False), QueryParam("userId", required=False))
#: Real clients poll the list with ``?fetchAll=true`` (research: fallback polling): accepted, not in the spec.
LIST_QUERY: Final = (QueryParam("fetchAll", required=False),)

#: Scopes.md's scope per kind (the spec's own security blocks are inconsistent, research §4.9).
SCOPES: Final[dict[Kind, str]] = {
    "start": "socialplanner/oauth.readonly",
    "accounts": "socialplanner/oauth.readonly",
    "attach": "socialplanner/oauth.write",
    "list": "socialplanner/account.readonly",
    "delete": "socialplanner/account.write",
}
SUCCESS: Final[dict[Kind, int]] = {"start": 302, "accounts": 200, "attach": 201, "list": 200, "delete": 200}
#: Every kind, in the order scenario files and docs list them.
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)
assert set(SCOPES) == set(SUCCESS) == set(KINDS), "a kind is missing a scope or a success status"


@dataclass(frozen=True, slots=True)
class Operation:
    api: Literal["v1"]
    method: str
    path: str
    operation_id: str
    kind: Kind
    scope: str
    query: tuple[QueryParam, ...]
    #: The JSON body's fields (None: the operation takes no body).
    body: tuple[BodyField, ...] | None
    success: int
    platform: Platform | None
    #: Where the location the token must own comes from: the query's ``locationId`` or the path's.
    location_in: Literal["query", "path"]

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def _platform_rows(platform: Platform) -> list[Operation]:
    rows = []
    for kind, operation_id in platform.operation_ids.items():
        if kind == "start":
            method, path = "GET", f"{PREFIX}/oauth/{platform.slug}/start"
            query = START_QUERY + tuple(QueryParam(name, required=False) for name in platform.extra_start_query)
        else:
            method = "GET" if kind == "accounts" else "POST"
            path = f"{PREFIX}/oauth/{{locationId}}/{platform.slug}/{platform.accounts_segment}/{{accountId}}"
            query = ()
        rows.append(
            Operation(
                api="v1",
                method=method,
                path=path,
                operation_id=operation_id,
                kind=kind,
                scope=SCOPES[kind],
                query=query,
                body=platform.attach_body if kind == "attach" else None,
                success=SUCCESS[kind],
                platform=platform,
                location_in="query" if kind == "start" else "path",
            )
        )
    return rows


OPERATIONS: Final[tuple[Operation, ...]] = (
    *(row for platform in PLATFORMS.values() for row in _platform_rows(platform)),
    Operation(
        "v1", "GET", f"{PREFIX}/{{locationId}}/accounts", "get-account", "list",
        SCOPES["list"], LIST_QUERY, None, 200, None, "path",
    ),
    Operation(
        "v1", "DELETE", f"{PREFIX}/{{locationId}}/accounts/{{id}}", "delete-account", "delete",
        SCOPES["delete"], DELETE_QUERY, None, 200, None, "path",
    ),
)  # fmt: skip

BY_ID: Final = {op.operation_id: op for op in OPERATIONS}
#: Every method an operation uses, for CORS.
METHODS: Final = tuple(sorted({op.method for op in OPERATIONS}))


def operation(platform: str, kind: Kind) -> Operation:
    """The row of ``platform``'s ``kind`` operation (KeyError if it has none)."""
    for op in OPERATIONS:
        if op.kind == kind and op.platform is not None and op.platform.slug == platform:
            return op
    raise KeyError(f"{platform} has no {kind} operation")


def path_of(op: Operation, **params: str) -> str:
    """The operation's path with its parameters filled in."""
    path = op.path
    for name, value in params.items():
        path = path.replace(f"{{{name}}}", value)
    return path


def markdown_table() -> str:
    """The operations as Markdown, for the README (kept in step by a test, like the rules table)."""
    lines = [
        "| method | path | operationId | kind | scope | success |",
        "|---|---|---|---|---|---|",
    ]
    for op in OPERATIONS:
        retired = (
            f" (retired: `--legacy-platform {op.platform.slug}`)"
            if op.platform is not None and op.platform.retired
            else ""
        )
        lines.append(
            f"| {op.method} | `{op.path}` | `{op.operation_id}`{retired} | {op.kind} | `{op.scope}` | {op.success} |"
        )
    return "\n".join(lines)

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

from ghl_mock.platforms import PLATFORMS, Api, BodyField, Form, Kind, Platform
from ghl_mock.validation import QueryParam

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
#: v3's get-oauth-accounts filters the offered items by name.
V3_ACCOUNTS_QUERY: Final = (QueryParam("search", required=False),)
#: The v3 spec's generic path templates, per kind (the concrete rows fill in ``{platform}``).
V3_TEMPLATES: Final[dict[Kind, str]] = {
    "start": f"{PREFIX}/oauth/{{platform}}/start",
    "accounts": f"{PREFIX}/oauth/{{locationId}}/{{platform}}/accounts/{{accountId}}",
    "attach": f"{PREFIX}/oauth/{{locationId}}/{{platform}}/accounts/{{accountId}}",
}
V3_IDS: Final[dict[Kind, str]] = {
    "start": "start-oauth",
    "accounts": "get-oauth-accounts",
    "attach": "attach-oauth-accounts",
    "list": "get-account",
    "delete": "delete-account",
}

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
    #: The spec the row comes from: v1 (apps/social-media-posting.json) or v3 (apps/v3/social-planner-v3.json).
    api: Api
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
    #: The path as the spec writes it (v3's per-platform rows: with ``{platform}``).
    spec_path: str = ""
    #: The platform's DTOs in this row's generation (None: no platform).
    form: Form | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def key(self) -> str:
        """Unique per row: v3's generic operationIds repeat once per platform."""
        suffix = f" {self.platform.slug}" if self.api == "v3" and self.platform is not None else ""
        return f"{self.api} {self.operation_id}{suffix}"


def _row(api: Api, platform: Platform, kind: Kind, operation_id: str) -> Operation:
    form = platform.form(api)
    if kind == "start":
        method, path = "GET", f"{PREFIX}/oauth/{platform.slug}/start"
        query = START_QUERY + tuple(QueryParam(name, required=False) for name in platform.extra_start_query)
    else:
        method = "GET" if kind == "accounts" else "POST"
        segment = platform.accounts_segment if api == "v1" else "accounts"
        path = f"{PREFIX}/oauth/{{locationId}}/{platform.slug}/{segment}/{{accountId}}"
        query = V3_ACCOUNTS_QUERY if api == "v3" and kind == "accounts" else ()
    # An unsupported platform's attach does not read its body: the refusal comes after the location.
    body = form.attach_body if kind == "attach" and not form.unsupported else None
    return Operation(
        api=api,
        method=method,
        path=path,
        operation_id=operation_id,
        kind=kind,
        scope=SCOPES[kind],
        query=query,
        body=body,
        success=SUCCESS[kind],
        platform=platform,
        location_in="query" if kind == "start" else "path",
        spec_path=V3_TEMPLATES[kind] if api == "v3" else path,
        form=form,
    )


def _account_rows(api: Api) -> tuple[Operation, ...]:
    list_path, delete_path = f"{PREFIX}/{{locationId}}/accounts", f"{PREFIX}/{{locationId}}/accounts/{{id}}"
    return (
        Operation(api, "GET", list_path, "get-account", "list", SCOPES["list"], LIST_QUERY, None, 200, None, "path",
                  list_path),
        Operation(api, "DELETE", delete_path, "delete-account", "delete", SCOPES["delete"], DELETE_QUERY, None, 200,
                  None, "path", delete_path),
    )  # fmt: skip


OPERATIONS: Final[tuple[Operation, ...]] = (
    *(_row("v1", p, kind, op_id) for p in PLATFORMS.values() for kind, op_id in p.operation_ids.items()),
    *_account_rows("v1"),
    *(_row("v3", p, kind, V3_IDS[kind]) for p in PLATFORMS.values() for kind in p.v3_kinds()),
    *_account_rows("v3"),
)

BY_KEY: Final = {op.key: op for op in OPERATIONS}
assert len(BY_KEY) == len(OPERATIONS), "two operation rows share a key"
#: Every method an operation uses, for CORS.
METHODS: Final = tuple(sorted({op.method for op in OPERATIONS}))


def operation(platform: str, kind: Kind, api: Api = "v1") -> Operation:
    """The row of ``platform``'s ``kind`` operation in ``api`` (KeyError if it has none)."""
    for op in OPERATIONS:
        if op.api == api and op.kind == kind and op.platform is not None and op.platform.slug == platform:
            return op
    raise KeyError(f"{platform} has no {api} {kind} operation")


def account_operation(kind: Kind, api: Api = "v1") -> Operation:
    """The list or delete row of ``api``."""
    return next(op for op in OPERATIONS if op.api == api and op.kind == kind and op.platform is None)


def path_of(op: Operation, **params: str) -> str:
    """The operation's path with its parameters filled in."""
    path = op.path
    for name, value in params.items():
        path = path.replace(f"{{{name}}}", value)
    return path


def markdown_table() -> str:
    """The operations as Markdown, for the README (kept in step by a test, like the rules table)."""
    lines = [
        "| spec | method | path | operationId | kind | scope | success |",
        "|---|---|---|---|---|---|---|",
    ]
    for op in OPERATIONS:
        retired = (
            f" (retired: `--legacy-platform {op.platform.slug}`)"
            if op.platform is not None and op.platform.retired
            else ""
        )
        lines.append(
            f"| {op.api} | {op.method} | `{op.path}` | `{op.operation_id}`{retired} | {op.kind} | `{op.scope}` "
            f"| {op.success} |"
        )
    return "\n".join(lines)

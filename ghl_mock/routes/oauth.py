"""HighLevel's Social Planner routes: every row of the operations table, on the pipeline.

Rows that differ only by platform share one Starlette route (a handful of patterns for every
operation), and the row is found by a dictionary lookup on the concrete path template: the router
tries a few patterns per request instead of one per operation. A path both specs serve (v1's
``/oauth/facebook/start`` is v3's ``/oauth/{platform}/start``) has one row per generation; the
request's ``Version`` picks one (``versions.choose``).

``match`` is the fast path ``front.Front`` takes before the router: it splits the path and finds
the row by its literal segments, the same row the router's first matching route would dispatch
to (a test holds the two to it); anything it does not find exactly goes to the router.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from operator import itemgetter
from typing import Final

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from ghl_mock.errors import header_safe, not_found, raw_path_of
from ghl_mock.operations import OPERATIONS, PREFIX
from ghl_mock.pipeline import endpoint
from ghl_mock.platforms import PLATFORMS, Api
from ghl_mock.versions import choose, generation, requested_in
from ghl_mock.wire import HINT_HEADER

Endpoint = Callable[[Request], Awaitable[Response]]


def _by_version(rows: dict[Api, Endpoint]) -> Endpoint:
    """The endpoint of a path one or both generations serve: the request's Version picks the row."""
    if len(rows) == 1 and "v1" in rows:
        return rows["v1"]  # only v1 serves it: every Version gets it (v3 keeps the old forms)
    generations = frozenset(rows)

    async def run(request: Request) -> Response:
        chosen = choose(requested_in(request.scope), generations)
        if chosen is None:
            response = not_found(request.method, raw_path_of(request), request.scope)
            response.headers[HINT_HEADER] = "this path form exists only under Version: v3"
            return response
        return await rows[chosen](request)

    return run


def _endpoints() -> dict[tuple[str, str], Endpoint]:
    grouped: dict[tuple[str, str], dict[Api, Endpoint]] = {}
    for op in OPERATIONS:
        grouped.setdefault((op.method, op.path), {})[op.api] = endpoint(op)
    return {key: _by_version(rows) for key, rows in grouped.items()}


#: (method, the row's path template) → the endpoint of its row(s).
_ENDPOINTS: Final[dict[tuple[str, str], Endpoint]] = _endpoints()


def _dispatch(template: Callable[[dict[str, str]], str]) -> Endpoint:
    async def run(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        found = _ENDPOINTS.get((method, template(request.path_params)))
        if found is None:
            raise HTTPException(404)  # an unknown platform, or a kind it does not have
        return await found(request)

    return run


def _start(params: dict[str, str]) -> str:
    return f"{PREFIX}/oauth/{params['platform']}/start"


def _per_account(params: dict[str, str]) -> str:
    return f"{PREFIX}/oauth/{{locationId}}/{params['platform']}/{params['segment']}/{{accountId}}"


async def documented_but_missing(request: Request) -> Response:
    """The docs' prose path without ``{locationId}``: the live API has no such route (research §4.3)."""
    platform = PLATFORMS.get(request.path_params["platform"])
    if platform is None or not (platform.has("accounts") or "accounts" in platform.v3_kinds()):
        raise HTTPException(404)
    v3 = (generation(requested_in(request.scope)) or platform.default_api) == "v3"
    segment = "accounts" if v3 else platform.accounts_segment  # the form the request's Version has
    response = not_found(request.method, raw_path_of(request), request.scope)
    response.headers[HINT_HEADER] = header_safe(
        f"the docs' path is wrong; use {PREFIX}/oauth/{{locationId}}/{platform.slug}"
        f"/{segment}/{request.path_params['accountId'][:64]}"
    )
    return response


def _methods(*templates: str) -> list[str]:
    return sorted({op.method for op in OPERATIONS if any(op.path.endswith(t) for t in templates)})


routes: Final = [
    Route(f"{PREFIX}/oauth/{{platform}}/start", _dispatch(_start), methods=["GET"]),
    Route(
        f"{PREFIX}/oauth/{{locationId}}/{{platform}}/{{segment}}/{{accountId}}",
        _dispatch(_per_account),
        methods=_methods("/{accountId}"),
    ),
    *(
        Route(op.path, _ENDPOINTS[(op.method, op.path)], methods=[op.method])
        for op in OPERATIONS
        if op.platform is None and op.api == "v1"
    ),
    Route(f"{PREFIX}/oauth/{{platform}}/accounts/{{accountId}}", documented_but_missing, methods=["GET"]),
]
# Every row is reachable: a per-platform row through a shared pattern, the others by their own.
assert all(
    (op.method, op.path) in _ENDPOINTS
    and (
        op.platform is None
        or op.path
        in (
            _start({"platform": op.platform.slug}),
            _per_account({"platform": op.platform.slug, "segment": op.path.split("/")[-2]}),
        )
    )
    for op in OPERATIONS
), "an operation's path does not fit the shared route patterns"


#: (method, segment count) → [(the literal segments' getter, the holes,
#: {literal segments: (endpoint, hole names, the row's (method, path template))})]
_Row = tuple[Endpoint, tuple[str, ...], tuple[str, str]]
_Shape = tuple[Callable[[list[str]], object], tuple[int, ...], dict[object, _Row]]


def _shapes() -> dict[tuple[str, int], list[_Shape]]:
    shapes: dict[tuple[str, int], list[_Shape]] = {}
    for op in OPERATIONS:
        parts = op.path.split("/")[1:]
        holes = tuple(i for i, part in enumerate(parts) if part.startswith("{"))
        literal = itemgetter(*(i for i in range(len(parts)) if i not in holes))
        names = tuple(parts[i][1:-1] for i in holes)
        for method in (op.method, "HEAD") if op.method == "GET" else (op.method,):
            group = shapes.setdefault((method, len(parts)), [])
            table = next((t for _, h, t in group if h == holes), None)
            if table is None:
                table = {}
                group.append((literal, holes, table))
            table[literal(parts)] = (_ENDPOINTS[(op.method, op.path)], names, (op.method, op.path))
    return shapes


_SHAPES: Final = _shapes()


def match(scope: Scope) -> tuple[Endpoint, dict[str, str]] | None:
    """The endpoint and path parameters of the operation this request names, or None: ask the router."""
    if scope.get("root_path"):
        return None
    found = _find(scope["method"], scope["path"])
    return (found[0][0], found[1]) if found is not None else None


def operation_path(method: str, path: str) -> tuple[tuple[str, str], dict[str, str]] | None:
    """The (method, path template) of the operations-table rows this request names, and its path
    parameters (the request's Version then picks between a v1 and a v3 row), or None."""
    found = _find(method, path)
    return (found[0][2], found[1]) if found is not None else None


def _find(method: str, path: str) -> tuple[_Row, dict[str, str]] | None:
    if not path.startswith(PREFIX):
        return None
    parts = path.split("/")[1:]
    if "" in parts:
        return None  # an empty segment ("//", a trailing "/") matches no route
    for literal, holes, table in _SHAPES.get((method, len(parts)), ()):
        found = table.get(literal(parts))
        if found is not None:
            return found, {name: parts[i] for name, i in zip(found[1], holes, strict=True)}
    return None

"""The control API and dashboard under ``/__mock/``. Loopback clients only, unless
``--allow-remote-control``: a mock reachable on a LAN must not let anyone rewire it."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, Final
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ghl_mock.context import MockContext, context_of
from ghl_mock.control_openapi import control_openapi as control_document
from ghl_mock.errors import mock_usage_error
from ghl_mock.journal import JournalFilter
from ghl_mock.pages import page
from ghl_mock.scenarios.names import unknown_scenario

Endpoint = Callable[[Request], Awaitable[Response]]


def is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback  # ::ffff:127.0.0.1 when bound to "::"
    return address.is_loopback


def is_cross_site(request: Request) -> bool:
    """A browser sending this on behalf of another site's page (a CSRF attempt on the control API)."""
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}"


#: Reserved names no public DNS answers (RFC 6761): a rebinding page cannot be served from them.
_RESERVED_SUFFIXES = (".localhost", ".test", ".internal")


def is_local_host(request: Request, public_url: str | None) -> bool:
    """The ``Host`` a DNS-rebinding page cannot send: an IP literal, a single-label name
    (``localhost``, a container's service name, Starlette's ``testserver``), a reserved name,
    or the host of ``--public-url``. A page on ``attacker.example`` that resolves to 127.0.0.1
    sends ``Host: attacker.example``, a dotted public name."""
    host = (request.headers.get("host") or "").strip().lower()
    name = host[1:].partition("]")[0] if host.startswith("[") else host.rpartition(":")[0] or host
    if host.count(":") > 1 and not host.startswith("["):
        name = host  # a bare IPv6 literal
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    if name and "." not in name.rstrip("."):
        return True
    if name.endswith(_RESERVED_SUFFIXES):
        return True
    return public_url is not None and name == (urlsplit(public_url).hostname or "").lower()


def control(endpoint: Endpoint) -> Endpoint:
    """Guard: refuse non-loopback clients (and pages reached by a public name: DNS rebinding)
    unless remote control is enabled."""

    @wraps(endpoint)
    async def guarded(request: Request) -> Response:
        settings = context_of(request).settings
        if not (is_loopback(request) or settings.allow_remote_control):
            return mock_usage_error(
                "the ghl-mock control API answers loopback clients only; start with --allow-remote-control", 403
            )
        if not (settings.allow_remote_control or is_local_host(request, settings.public_url)):
            return mock_usage_error(
                "the ghl-mock control API refuses requests for a public host name (a DNS-rebinding page could "
                "send them); call it as 127.0.0.1 or localhost, or start with --allow-remote-control",
                403,
            )
        if request.method != "GET" and is_cross_site(request):
            return mock_usage_error("the ghl-mock control API refuses cross-site requests from web pages", 403)
        return await endpoint(request)

    return guarded


def scenario_listing(ctx: MockContext) -> dict[str, Any]:
    engine = ctx.state.engine
    active = engine.active
    return {
        "scenarios": [
            {
                "name": name,
                "description": loaded.scenario.description,
                "file": str(loaded.file),
                "runtime": loaded.runtime,
                "steps": len(loaded.scenario.steps),
                "whenExhausted": loaded.scenario.when_exhausted,
                "active": name in active,
            }
            for name, loaded in sorted(engine.scenarios.items())
        ],
        "active": active,
        "positions": engine.positions(),
        "errors": [
            {"file": str(e.file), "field": field, "reason": reason}
            for e in ctx.scenario_errors
            for field, reason in e.problems  # every problem of each file
        ],
    }


@control
async def list_scenarios(request: Request) -> Response:
    return JSONResponse(scenario_listing(context_of(request)))


@control
async def add_scenario(request: Request) -> Response:
    """A run-time scenario: a scenario file's content plus its ``name`` (JSON, or YAML by its
    Content-Type), validated by the file model; ``?activate=true`` activates it at once. A full
    reset removes it."""
    from ghl_mock.routes.control_tools import BodyError, body_error, read_json
    from ghl_mock.scenarios.loader import ScenarioError, runtime_scenario

    activate_now = request.query_params.get("activate", "false")
    if activate_now not in ("true", "false"):
        return mock_usage_error("activate must be true or false")
    try:
        data = await read_json(request, yaml_too=True)
        if not isinstance(data, dict):
            raise BodyError([("(top level)", "a scenario is an object with a name and its steps")])
        fields = dict(data)
        if "name" not in fields:
            raise BodyError([("name", "required (the scenario's name, as a file's name would be)")])
        loaded = await run_in_threadpool(runtime_scenario, fields.pop("name"), fields)  # validation, off the loop
    except BodyError as exc:
        return body_error(exc)
    except ScenarioError as exc:
        return body_error(BodyError(exc.problems))
    engine = context_of(request).state.engine
    try:
        replaced = engine.add(loaded)
    except ValueError as exc:
        return mock_usage_error(f"{exc}: a run-time scenario cannot replace a scenario file; pick another name", 409)
    if activate_now == "true":
        engine.activate(loaded.name)
    listing = next(s for s in scenario_listing(context_of(request))["scenarios"] if s["name"] == loaded.name)
    return JSONResponse(listing, 200 if replaced else 201)


@control
async def remove_scenario(request: Request) -> Response:
    name = request.path_params["name"]
    engine = context_of(request).state.engine
    try:
        engine.remove(name)
    except KeyError:
        return mock_usage_error(unknown_scenario(name, engine.scenarios), 404)
    except ValueError as exc:
        return mock_usage_error(str(exc), 409)
    return JSONResponse({"removed": name, "active": engine.active})


@control
async def activate(request: Request) -> Response:
    return _toggle(request, on=True)


@control
async def deactivate(request: Request) -> Response:
    return _toggle(request, on=False)


def _toggle(request: Request, *, on: bool) -> Response:
    ctx = context_of(request)
    name = request.path_params["name"]
    engine = ctx.state.engine
    if not engine.knows(name):
        return mock_usage_error(unknown_scenario(name, engine.scenarios), 404)
    (engine.activate if on else engine.deactivate)(name)
    return JSONResponse({"active": engine.active})


@control
async def reset(request: Request) -> Response:
    session = request.query_params.get("session")
    if session is not None and not session:
        return mock_usage_error("session must not be empty (leave it out to reset everything)")
    context_of(request).state.reset(session)
    return JSONResponse({"reset": "session" if session else "everything", "session": session})


def journal_filter(request: Request) -> JournalFilter:
    q = request.query_params
    status = q.get("status")
    if status is not None and not status.isdigit():
        raise ValueError("status must be a number")
    return JournalFilter(
        path=q.get("path"),
        method=q.get("method"),
        status=int(status) if status is not None else None,
        session=q.get("session"),
        step=q.get("step"),
    )


@control
async def journal(request: Request) -> Response:
    try:
        where = journal_filter(request)
        limit = int(request.query_params.get("limit", "100"))
    except ValueError as exc:
        return mock_usage_error(f"bad journal filter: {exc}")
    entries = context_of(request).state.journal.entries(where, max(0, limit))
    return JSONResponse({"entries": [e.to_json() for e in entries]})


@control
async def verify(request: Request) -> Response:
    try:
        where = journal_filter(request)
    except ValueError as exc:
        return mock_usage_error(f"bad verify filter: {exc}")
    ctx = context_of(request)
    return JSONResponse({"count": ctx.state.journal.count(where), "journalSize": ctx.state.journal.size})


@control
async def dashboard(request: Request) -> Response:
    ctx = context_of(request)
    return page(
        request, "dashboard.html", {"listing": scenario_listing(ctx), "entries": ctx.state.journal.entries(limit=50)}
    )


@control
async def take_errors(request: Request) -> Response:
    """Exceptions raised while serving requests since the last call (tracebacks; the plugin reads them)."""
    return JSONResponse({"errors": context_of(request).state.take_errors()})


@control
async def control_openapi(request: Request) -> Response:
    return JSONResponse(control_document())


routes: Final = [
    Route("/__mock/openapi.json", control_openapi, methods=["GET"]),
    Route("/__mock/", dashboard, methods=["GET"]),
    Route("/__mock/scenarios", list_scenarios, methods=["GET"]),
    Route("/__mock/scenarios", add_scenario, methods=["POST"]),
    Route("/__mock/scenarios/{name}", remove_scenario, methods=["DELETE"]),
    Route("/__mock/scenarios/{name}/activate", activate, methods=["POST"]),
    Route("/__mock/scenarios/{name}/deactivate", deactivate, methods=["POST"]),
    Route("/__mock/reset", reset, methods=["POST"]),
    Route("/__mock/journal", journal, methods=["GET"]),
    Route("/__mock/verify", verify, methods=["GET"]),
    Route("/__mock/errors", take_errors, methods=["POST"]),
]

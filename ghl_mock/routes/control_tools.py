"""The control API's tools for clients in any language: mint a token, run a consent flow headlessly,
read grants and connected accounts. Same guard as the rest of ``/__mock/`` (``control.control``).

``connect`` drives the app's own routes (start → consent → finish) in this process, so the flow
is the one a browser gets: scenario steps apply, and the journal records each request."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ghl_mock.context import context_of
from ghl_mock.control_models import DATE_VERSION, DEFAULT_LOCATION, ConnectRequest, TokenRequest
from ghl_mock.errors import mock_usage_error
from ghl_mock.file_errors import all_errors
from ghl_mock.operations import operation
from ghl_mock.platforms import PLATFORMS, SOCIAL_PLANNER_SCOPES
from ghl_mock.routes.control import control
from ghl_mock.state import ConnectedAccount, Grant
from ghl_mock.tokens import DEFAULT_EXPIRES_IN, mint_token
from ghl_mock.versions import generation
from ghl_mock.wire import CONSENT_HEADER, SCENARIO_HEADER, SESSION_HEADER

if TYPE_CHECKING:  # httpx (and what it imports) costs serve's start-up ~50 ms; only connect needs it
    import httpx

#: Control API bodies are small JSON objects; a scenario may be longer.
MAX_BODY: Final = 1_000_000


class BodyError(Exception):
    """The request body is not what the endpoint takes; ``problems`` are (field, reason)."""

    def __init__(self, problems: list[tuple[str, str]], status: int = 422):
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in problems))
        self.problems = problems
        self.status = status


def body_error(exc: BodyError) -> Response:
    """The control API's 4xx for a bad body: a ``BadRequestDTO``-shaped message plus every problem."""
    body = {
        "statusCode": exc.status,
        "message": f"invalid request body: {exc}",
        "errors": [{"field": field, "reason": reason} for field, reason in exc.problems],
    }
    return JSONResponse(body, exc.status)


async def read_json(request: Request, *, yaml_too: bool = False) -> Any:
    """The body as data: JSON (or YAML when its Content-Type says so); empty means ``{}``."""
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise BodyError([("(body)", f"larger than {MAX_BODY} bytes")], 413)
    if not raw.strip():
        return {}
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    as_yaml = yaml_too and media in ("application/yaml", "application/x-yaml", "text/yaml")
    if yaml_too:  # a scenario may be up to MAX_BODY of pure-Python YAML: parsed off the event loop
        return await run_in_threadpool(decode_body, bytes(raw), as_yaml)
    return decode_body(bytes(raw), as_yaml)


def decode_body(raw: bytes, as_yaml: bool) -> Any:
    if as_yaml:
        import yaml

        try:
            return yaml.safe_load(raw.decode("utf-8"))
        except (yaml.YAMLError, ValueError, RecursionError) as exc:
            raise BodyError([("(body)", f"not valid YAML: {exc}")], 400) from None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BodyError([("(body)", f"not valid JSON: {exc}")], 400) from None


def parse(model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BodyError(all_errors(exc)) from None


@control
async def tokens(request: Request) -> Response:
    try:
        asked: TokenRequest = parse(TokenRequest, await read_json(request))
    except BodyError as exc:
        return body_error(exc)
    company = asked.company_id is not None
    owner = asked.company_id if company else (asked.location_id or DEFAULT_LOCATION)
    scopes = tuple(asked.scopes) if asked.scopes is not None else SOCIAL_PLANNER_SCOPES
    token = mint_token(
        context_of(request).secret,
        auth_class="Company" if company else "Location",
        auth_class_id=str(owner),
        scopes=scopes,
        expires_in=asked.expires_in,
    )
    return JSONResponse(
        {
            "token": token,
            "authClass": "Company" if company else "Location",
            "authClassId": owner,
            "scopes": list(scopes),
            "expiresIn": asked.expires_in,
        },
        201,
    )


class FlowFailed(Exception):
    def __init__(self, step: str, response: httpx.Response):
        super().__init__(f"the {step} answered {response.status_code}: {response.text[:500]}")
        self.step = step
        self.response = response


@control
async def connect(request: Request) -> Response:
    try:
        asked: ConnectRequest = parse(ConnectRequest, await read_json(request))
    except BodyError as exc:
        return body_error(exc)
    ctx = context_of(request)
    platform = PLATFORMS.get(asked.platform)
    if platform is None:
        known = ", ".join(PLATFORMS)
        return body_error(BodyError([("platform", f"unknown platform {asked.platform!r}; known: {known}")]))
    api = generation(asked.version) or platform.default_api
    version = asked.version or ("v3" if api == "v3" else DATE_VERSION)
    try:
        start_path = operation(platform.slug, "start", api).path
    except KeyError:
        return body_error(BodyError([("platform", f"{platform.slug} has no start operation under Version {version}")]))
    token = asked.token or mint_token(
        ctx.secret,
        auth_class="Location",
        auth_class_id=asked.location_id,
        scopes=SOCIAL_PLANNER_SCOPES,
        expires_in=DEFAULT_EXPIRES_IN,
    )
    headers = {"Authorization": f"Bearer {token}", "Version": version, CONSENT_HEADER: asked.decision}
    headers |= {SESSION_HEADER: asked.session} if asked.session else {}
    headers |= {SCENARIO_HEADER: asked.scenario} if asked.scenario else {}
    query = {"locationId": asked.location_id, "userId": asked.user_id}
    query |= {"reconnect": "true"} if asked.reconnect else {}
    query |= {"page": asked.page} if asked.page is not None else {}
    import httpx

    transport = httpx.ASGITransport(app=request.scope["app"], client=("127.0.0.1", 0))
    base = f"{request.url.scheme}://{request.url.netloc}"
    async with httpx.AsyncClient(transport=transport, base_url=base, follow_redirects=False) as client:
        try:
            message = await _run_flow(client, start_path, query, headers)
        except FlowFailed as exc:
            body = {
                "statusCode": 400,
                "message": f"the consent flow did not complete: {exc}",
                "failedStep": exc.step,
                "status": exc.response.status_code,
                "body": _maybe_json(exc.response),
            }
            return JSONResponse(body, 400)
    return JSONResponse(message)


async def _run_flow(
    client: httpx.AsyncClient, start_path: str, query: dict[str, str], headers: dict[str, str]
) -> dict[str, Any]:
    start = await client.get(start_path, params=query, headers=headers)
    if start.status_code != 302:
        raise FlowFailed("start", start)
    consent_url = start.url.join(start.headers["location"])
    consent = await client.get(consent_url.path, params=consent_url.params)
    if consent.status_code != 303:
        raise FlowFailed("consent page", consent)
    finish_url = consent_url.join(consent.headers["location"])
    finish = await client.get(finish_url.path, params=finish_url.params, headers={"Accept": "application/json"})
    if finish.status_code != 200:
        raise FlowFailed("finish page", finish)
    message: dict[str, Any] = finish.json()
    return message


def _maybe_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]


def grant_json(grant: Grant) -> dict[str, Any]:
    return {
        "accountId": grant.account_id,
        "platform": grant.platform,
        "locationId": grant.location_id,
        "userId": grant.user_id,
        "items": len(grant.items),
        "createdAt": grant.created_at,
    }


def account_json(account: ConnectedAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "recordId": account.record_id,
        "oauthId": account.oauth_id,
        "platform": account.platform,
        "locationId": account.location_id,
        "originId": account.record.origin_id,
        "name": account.record.name,
        "type": account.record.type,
        "createdAt": account.created_at,
        "updatedAt": account.updated_at,
        "expire": account.expire,
    }


@control
async def accounts(request: Request) -> Response:
    """Grants (what ``accountId`` names) and connected accounts, oldest first; ``locationId`` and
    ``platform`` narrow both."""
    q = request.query_params
    location, platform = q.get("locationId"), q.get("platform")
    if platform is not None and platform not in PLATFORMS:
        return mock_usage_error(f"unknown platform {platform!r}; known: {', '.join(PLATFORMS)}")
    state = context_of(request).state

    def wanted(item: Grant | ConnectedAccount) -> bool:
        return (location is None or item.location_id == location) and (platform is None or item.platform == platform)

    return JSONResponse(
        {
            "grants": [grant_json(g) for g in state.grants() if wanted(g)],
            "accounts": [account_json(a) for a in state.all_accounts() if wanted(a)],
        }
    )


routes: Final = [
    Route("/__mock/tokens", tokens, methods=["POST"]),
    Route("/__mock/connect", connect, methods=["POST"]),
    Route("/__mock/accounts", accounts, methods=["GET"]),
]

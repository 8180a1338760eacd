"""What each kind of operation does once every check has passed. Handlers know no platform:
what differs between networks comes from the operation's platform row.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ghl_mock.checks import Authorized
from ghl_mock.context import MockContext
from ghl_mock.errors import ApiError, MockUsageError
from ghl_mock.oauth_state import new_consent_request, sign_state
from ghl_mock.operations import Operation
from ghl_mock.platforms import AccountRecord, DemoItem, Form, Kind, Platform
from ghl_mock.rules import ACCOUNT_NOT_FOUND, ORIGIN_NOT_FOUND, SOCIAL_ACCOUNT_NOT_FOUND
from ghl_mock.state import ConnectedAccount, Grant
from ghl_mock.wire import CONSENT_HEADER, NOTE_HEADER

#: What ``X-Mock-Consent`` (sent with start) may ask the consent page to do.
CONSENT_OUTCOMES: Final = ("manual", "approve", "cancel")


@dataclass(frozen=True, slots=True)
class Call:
    """Everything a handler gets: the row, the mock, the request and what the checks returned."""

    op: Operation
    ctx: MockContext
    request: Request
    auth: Authorized
    #: A scenario step (``expire_accounts``) asked the list to show every account expired.
    expire_accounts: bool = False

    @property
    def platform(self) -> Platform:
        assert self.op.platform is not None, f"{self.op.operation_id} has no platform"
        return self.op.platform

    @property
    def form(self) -> Form:
        assert self.op.form is not None, f"{self.op.operation_id} has no platform"
        return self.op.form


Handler = Callable[[Call], Awaitable[Response]]


async def start(call: Call) -> Response:
    """302 to the (mock) provider's consent page; the live API redirects (research §3.1)."""
    request, ctx, query = call.request, call.ctx, call.auth.query
    outcome = request.headers.get(CONSENT_HEADER)
    if outcome is not None and outcome not in CONSENT_OUTCOMES:
        raise MockUsageError(f"{CONSENT_HEADER} must be one of {', '.join(CONSENT_OUTCOMES)}")
    consent = new_consent_request(
        call.platform.slug,
        query["locationId"],
        query["userId"],
        query.get("page"),
        query.get("reconnect"),
        outcome,
        request.headers.get("x-mock-session"),
        request.headers.get("x-mock-scenario"),
    )
    state = sign_state(ctx.secret, consent, ctx.settings.state_ttl)
    # A JWT is base64url segments joined by dots: already safe in a query string.
    location = f"{public_base(request, ctx)}/__mock/oauth/{call.platform.slug}/consent?state={state}"
    headers = {"Location": location}
    if call.auth.principal is None:
        headers[NOTE_HEADER] = "browser navigation without Version/Authorization accepted (--browser-navigation)"
    # Express's res.redirect() body, as HighLevel's NestJS app sends it.
    return PlainTextResponse(f"Found. Redirecting to {location}", status_code=302, headers=headers)


def granted(call: Call) -> Grant:
    """The grant the path's ``accountId`` names, for this platform and location (else the 400)."""
    account_id = call.request.path_params["accountId"]
    grant = call.ctx.state.grant(account_id)
    if grant is None or grant.platform != call.platform.slug or grant.location_id != call.auth.location_id:
        if grant is None:
            reason = "no grant with this accountId"
        elif grant.platform != call.platform.slug:
            reason = f"accountId was granted for {grant.platform}"
        else:
            reason = "accountId was granted for another location"
        raise ApiError(ACCOUNT_NOT_FOUND, reason)
    return grant


async def get_accounts(call: Call) -> Response:
    """The pages/profiles/locations the grant offers, in the platform's DTO (v3: ``search`` filters them)."""
    grant = granted(call)
    connected = call.ctx.state.connected_origins(grant.location_id, grant.platform)
    items = searched(call.platform, grant.items, call.auth.query.get("search"))
    return JSONResponse(
        {
            "success": True,
            "statusCode": 200,
            "message": call.form.accounts_message,
            "results": call.platform.results(items, connected),
        }
    )


def searched(platform: Platform, items: tuple[DemoItem, ...], term: str | None) -> tuple[DemoItem, ...]:
    """The items whose name (google: the location's title) holds ``term``, ignoring case.

    Decisions #76: a substring match, as a search box filters; no term, or an empty one, keeps all;
    a term nothing matches leaves the platform's lists empty (google: ``locations: {}``).
    """
    if not term:
        return items
    wanted = term.casefold()
    return tuple(item for item in items if wanted in platform.describe(item)[0].casefold())


async def attach(call: Call) -> Response:
    """Connect one of the grant's items to the location: 201 with the spec's account record."""
    platform = call.platform
    grant = granted(call)
    assert platform.record_of is not None, f"{platform.slug} has no attach"
    record = platform.record_of(call.auth.body)
    item = next((i for i in grant.items if platform.origin_of(i) == record.origin_id), None)
    if item is None:
        raise ApiError(
            ORIGIN_NOT_FOUND, f"{record.origin_id[:60]!r} is not one of this grant's {platform.consent.noun}"
        )
    name, _ = platform.describe(item)
    if not record.name:
        record = dataclasses.replace(record, name=name)
    if "type" not in call.auth.body and platform.item_type is not None:
        record = dataclasses.replace(record, type=platform.item_type(item))
    account, _new = call.ctx.state.connect(grant, bounded(record))
    answer: dict[str, Any] = {
        "success": True,
        "statusCode": 201,
        "message": call.form.attach_message,
        "results": account_record(account),
    }
    if call.form.platform_on_answer:
        answer["platform"] = platform.slug
    return JSONResponse(answer, status_code=201)


#: What a stored account keeps of what the client sent: the store is bounded by count (state.py)
#: and each record by these sizes, so a client cannot grow memory with 100 kB names.
MAX_FIELD = 1024
MAX_META = 4096


def bounded(record: AccountRecord) -> AccountRecord:
    meta = record.meta
    if len(json.dumps(meta, default=str)) > MAX_META:
        meta = {
            k: v for k, v in meta.items() if isinstance(v, (bool, int, float)) or (isinstance(v, str) and len(v) < 200)
        }
        meta = meta if len(json.dumps(meta)) <= MAX_META else {}
    return dataclasses.replace(
        record,
        name=record.name[:MAX_FIELD],
        avatar=record.avatar[:MAX_FIELD],
        origin_id=record.origin_id[:MAX_FIELD],
        meta=meta,
    )


def account_record(account: ConnectedAccount) -> dict[str, Any]:
    """The spec's ``SocialMedia*AccountSchema``."""
    record = account.record
    return {
        "_id": account.record_id,
        "oAuthId": account.oauth_id,
        "locationId": account.location_id,
        "originId": record.origin_id,
        "platform": account.platform,
        "type": record.type,
        "name": record.name,
        "avatar": record.avatar,
        "meta": record.meta,
        "active": True,
        "deleted": False,
        "createdAt": iso(account.created_at),
        "updatedAt": iso(account.updated_at),
    }


async def list_accounts(call: Call) -> Response:
    """``GET /social-media-posting/{locationId}/accounts``: the location's connected accounts."""
    now = datetime.now(UTC).timestamp()
    accounts = []
    for account in call.ctx.state.accounts(call.auth.location_id):
        expire = min(account.expire, now - 3600) if call.expire_accounts else account.expire
        accounts.append(
            {
                "id": account.id,
                "oauthId": account.oauth_id,
                "profileId": account.record.origin_id,
                "name": account.record.name,
                "platform": account.platform,
                "type": account.record.type,
                "expire": iso(expire),
                "isExpired": expire <= now,
                "meta": account.record.meta,
                "avatar": account.record.avatar,
                "deleted": False,
            }
        )
    return JSONResponse(
        {
            "success": True,
            "statusCode": 200,
            "message": "Fetched Accounts",
            "results": {"accounts": accounts, "groups": []},
        }
    )


async def delete_account(call: Call) -> Response:
    """``DELETE /social-media-posting/{locationId}/accounts/{id}``: the account leaves the list."""
    account_id = call.request.path_params["id"]
    if call.ctx.state.disconnect(call.auth.location_id, account_id) is None:
        raise ApiError(SOCIAL_ACCOUNT_NOT_FOUND, "no connected account of this location has this id")
    return JSONResponse(
        {
            "success": True,
            "statusCode": 200,
            "message": "Deleted Account",
            "results": {"locationId": call.auth.location_id, "id": account_id},
        }
    )


HANDLERS: Final[dict[Kind, Handler]] = {
    "start": start,
    "accounts": get_accounts,
    "attach": attach,
    "list": list_accounts,
    "delete": delete_account,
}


def iso(timestamp: float) -> str:
    """``2024-03-14T11:03:37.015Z``, the spec's date-time form."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def public_base(request: Request, ctx: MockContext) -> str:
    """The base URL redirects use: ``--public-url``, else the scheme and Host the client used."""
    if ctx.settings.public_url:
        return ctx.settings.public_url.rstrip("/")
    scope = request.scope
    host = next((value.decode("latin-1") for name, value in scope["headers"] if name == b"host"), None)
    if host is None:
        server_host, port = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server_host}:{port}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"

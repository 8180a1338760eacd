"""Where ghl-mock knowingly answers differently from HighLevel's official OpenAPI file.

Each row says what the spec says, what the mock does, and the evidence (research § numbers).
The contract tests adapt their checks for exactly these points and nowhere else: a status the
spec does not document is checked against ``body_schema`` (or has no body check when that is
None), and a ``schema_patch`` replaces one wrong schema fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from mock_server.operations import OPERATIONS

#: The generic error body every documented DTO shares: {statusCode: number, message: string}.
GENERIC_ERROR = ("common/common-schemas.json", "#/components/schemas/BadRequestDTO")


@dataclass(frozen=True, slots=True)
class Deviation:
    operation_id: str  # "*": every mocked operation
    status: int
    spec_says: str
    mock_does: str
    evidence: str
    #: For an undocumented status: (file under fixtures/openapi, JSON pointer) the body must match.
    body_schema: tuple[str, str] | None = None
    #: For a schema bug: (JSON pointer into apps/social-media-posting.json, the schema used instead)...
    schema_patches: tuple[tuple[str, Any], ...] = ()
    #: Only answers a scenario step produced (``X-Ghl-Mock-Step``) may use this status.
    scripted_only: bool = False
    #: A schemathesis check that tests the spec's letter on this point, switched off for it.
    excluded_check: str | None = None
    #: A departure no status or schema check sees (the contract checks cite the row by ``key``).
    key: str | None = None


def _pointer(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


_STARTS = [op for op in OPERATIONS if op.kind == "start"]

_ATTACHING = [op.platform for op in OPERATIONS if op.kind == "attach" and op.platform is not None]
#: What each attach DTO requires in the mock (the spec's DTOs require nothing, or IG's pageId).
_ATTACH_REQUIRED = {p.attach_dto: tuple(f.name for f in p.attach_body if f.required) for p in _ATTACHING}
#: The attach answers' account-record schemas, whose ``platform`` and ``type`` are typed ``object``.
_RECORD_SCHEMAS = tuple(p.record_schema for p in _ATTACHING)
_KINDS = {p.attach_dto: {f.name: f.kind for f in p.attach_body} for p in _ATTACHING}


def _strict_body(dto: str, required: tuple[str, ...]) -> tuple[tuple[str, dict[str, Any] | list[str] | bool], ...]:
    base = f"/components/schemas/{dto}"
    patches: list[tuple[str, Any]] = [(f"{base}/required", list(required)), (f"{base}/additionalProperties", False)]
    patches.append((f"{base}/properties/platform", {"type": "string", "description": "tolerated (ghl-mock)"}))
    for name in required:
        kind = (
            {"type": "object", "minProperties": 1}
            if name in ("location", "account")
            else {"type": "string", "minLength": 1}
        )
        patches.append((f"{base}/properties/{name}", kind))
    return tuple(patches)


_STATUS_AND_SCHEMA_ROWS = (
    *(
        Deviation(
            op.operation_id,
            302,
            "200 'Successful Response' with no body",
            "302 Found, `Location` = the mock consent page carrying a signed `state`",
            "research §3.1 [OBSERVED] live start endpoints redirect; integrators read the 302 "
            "`Location` with `redirect: manual` (IkonicR/ads-x-create-v2)",
        )
        for op in _STARTS
    ),
    Deviation(
        "*",
        200,
        '`TiktokProfileSchema.type` is declared `type: object` (its example is the string "BUSINESS")',
        "`type` is the string `BUSINESS` (or `PROFILE`), as the example and description say",
        "research §4.7 [SPEC] the declared type contradicts the spec's own example and description",
        schema_patches=(
            (
                "/components/schemas/TiktokProfileSchema/properties/type",
                {"type": "string", "enum": ["BUSINESS", "PROFILE"]},
            ),
        ),
    ),
    Deviation(
        "*",
        201,
        "the attach answers' `platform` and `type` are declared `type: object` (their examples are strings)",
        "both are strings (`facebook`, `page`), as every example says",
        "research §4.7 [SPEC] enum-typed-as-object fields; the examples and descriptions are strings",
        schema_patches=tuple(
            (f"/components/schemas/{name}/properties/{field}", {"type": "string"})
            for name in _RECORD_SCHEMAS
            for field in ("platform", "type")
        ),
    ),
    Deviation(
        "attach-facebook-page-group",
        0,
        '`AttachFBAccountDTO.type` is declared `type: object` (its example is "page")',
        "`type` must be a string when given (`type must be a string` otherwise)",
        "research §4.7 [SPEC] the declared type contradicts the example; real clients send `type: 'page'`",
        schema_patches=(("/components/schemas/AttachFBAccountDTO/properties/type", {"type": "string"}),),
    ),
    Deviation(
        "attach-instagram-page-group",
        0,
        "`AttachIGAccountDTO` requires `pageId`",
        "`pageId` is optional: a body without it attaches",
        "platforms research [OBSERVED]: real clients attach Instagram with {originId, name, avatar} and no pageId",
        key="instagram-page-id",
    ),
    Deviation(
        "*",
        422,
        "`locationId` and `userId` are `type: string` with no `minLength`, so `?userId=` is schema-valid; "
        "the attach DTOs declare no required field",
        "an empty required parameter is refused with `X should not be empty`, as class-validator's "
        "@IsNotEmpty does (the start operations' spec gains `minLength: 1` for both); attach requires a "
        "non-empty `originId` (google: `location` and `account`), without which no account can be made, and "
        "refuses undeclared properties (`forbidNonWhitelisted`; `platform`, which real clients send, is "
        "tolerated): the attach DTOs gain `required`, `minLength`/`minProperties`, `platform` and "
        "`additionalProperties: false`",
        "research §3.4 [OBSERVED] `locationId should not be empty` / `userId should not be empty` on "
        "HighLevel endpoints; decisions #54",
        schema_patches=tuple(
            (f"/paths/{_pointer(op.path)}/get/parameters/{i}/schema", {"type": "string", "minLength": 1})
            for op in _STARTS
            for i in (1, 2)
        )
        + tuple(patch for dto, required in _ATTACH_REQUIRED.items() for patch in _strict_body(dto, required)),
    ),
    *(
        Deviation(
            op.operation_id,
            413,
            "no 413 documented",
            "a JSON body over 100 kB answers `413 {statusCode: 413, message: 'request entity too large', "
            "error: 'Payload Too Large'}`",
            "[INFERRED] body-parser's default limit under NestJS (decisions #53)",
            body_schema=GENERIC_ERROR,
        )
        for op in OPERATIONS
        if op.body is not None
    ),
    Deviation(
        "*",
        405,
        "undeclared methods are not described",
        "an undeclared method (POST, TRACE, …) answers NestJS's 404 `Cannot POST /path`, not 405",
        "NestJS/Express answer unknown method+path pairs with 404 (research §2.8 `404 Cannot GET`)",
        excluded_check="unsupported_method",
    ),
    Deviation(
        "*",
        404,
        "no 404 documented",
        "NestJS's `{statusCode: 404, message: 'Cannot GET /path', error: 'Not Found'}` for unknown routes",
        "research §2.8 [OBSERVED] `404 Cannot GET` on unknown path forms; shape per v3 `NotFoundDTO`",
        body_schema=("apps/v3/common/common-schemas.json", "#/components/schemas/NotFoundDTO"),
    ),
    Deviation(
        "*",
        429,
        "no 429 documented (the rate limits and headers are, in docs/oauth/Authorization.md)",
        "scenario-only 429 with the five X-RateLimit-* headers, Retry-After and the generic error body",
        "research §3.5 [SPEC] limits and headers; [UNKNOWN] body, so it takes the documented error shape",
        body_schema=GENERIC_ERROR,
        scripted_only=True,
    ),
    Deviation(
        "*",
        500,
        "no 5xx documented",
        "scenario-only NestJS 500 `{statusCode: 500, message: 'Internal server error'}`",
        "NestJS's default for an unhandled error; 502/503/504 are gateway text, marked off-contract",
        body_schema=GENERIC_ERROR,
        scripted_only=True,
    ),
)

_DESCRIPTIVE_ROWS = (
    Deviation(
        "*",
        0,
        '`Version` enum is `["2021-07-28"]`',
        "also accepts `2021-04-15`, `2023-02-21` and `v3` (all observed live); `--strict-version` "
        "accepts only the documented value",
        "research §3.3 [OBSERVED]; HighLevel's own TypeScript SDK sends 2023-02-21",
        key="version-enum",
    ),
    Deviation(
        "get-tiktok-business-profile",
        200,
        "the `statusCode` example in the 200 body is 201 (and `SocialMediaLinkedInAccountResponseDTO`'s is 200 "
        "for a 201)",
        "the body's `statusCode` is the HTTP status: 200 for every GET, 201 for every attach",
        "research §2.5: every other GET DTO's example is 200, every other attach's 201; decisions #25",
        key="body-status-code",
    ),
    Deviation(
        "*",
        0,
        "security: facebook/linkedin start and every get/attach list `bearer: []`; twitter's get/attach none",
        "every operation needs a token with the scope Scopes.md gives it (operations.SCOPES): "
        "`oauth.readonly` for start and get, `oauth.write` for attach, `account.readonly`/`.write` for list/delete",
        "research §4.9: Scopes.md is the more specific source; decisions #28",
        key="scopes",
    ),
    Deviation(
        "get-account",
        0,
        "get-account declares no query parameters",
        "`?fetchAll=true` is accepted (other unknown parameters are 422 `property X should not exist`)",
        "platforms research: real clients poll `/{locationId}/accounts?fetchAll=true` after the popup closes",
        key="fetch-all",
    ),
    Deviation(
        "*",
        0,
        "GetAccountSchema lists id, oauthId, profileId, name, platform, type, expire, isExpired, meta",
        "each account also carries `avatar` and `deleted`, which real clients read (the schema allows extra keys)",
        "platforms research: squidgyseth, IkonicR/ads-x-create-v2 read avatar and deleted",
        key="account-extras",
    ),
    Deviation(
        "start-twitter-oauth",
        0,
        "the twitter operations are documented as usable (start-twitter-oauth's description says X is "
        "no longer supported since 2024-12-04)",
        "every twitter operation answers 400 with the spec's sentence after the usual checks; "
        "`--legacy-platform twitter` serves the old flow",
        "[SPEC] deprecation note; live answer [UNKNOWN]; decisions #55",
        key="twitter-retired",
    ),
    Deviation(
        "*",
        0,
        "HEAD is not described",
        "HEAD is answered like GET without a body (Express does the same); contract checks skip the body",
        "Express routes HEAD to GET handlers",
        key="head",
    ),
    Deviation(
        "*",
        0,
        "CORS is not described",
        "browser preflights (OPTIONS with Access-Control-Request-Method) are answered by the CORS layer, "
        "not the API; a disallowed origin gets Starlette's plain-text 400",
        "local front-ends call the mock from the browser (issue: Browsers calling the API)",
        key="cors-preflight",
    ),
    Deviation(
        "*",
        0,
        "no gateway or transport failures are described",
        "scenario answers marked `X-Ghl-Mock-Off-Contract` (gateway 502/503/504 text, malformed or cut bodies, "
        "raw answers) are off-contract by design and only ever sent by a scenario step",
        "research §3.6: gateway texts come from the edge proxy, not the API",
        key="off-contract",
    ),
)

#: Every row: status and schema rows first, then the ones only the contract checks cite.
DEVIATIONS: Final = (*_STATUS_AND_SCHEMA_ROWS, *_DESCRIPTIVE_ROWS)

SCHEMA_PATCHES: Final = tuple(patch for d in DEVIATIONS for patch in d.schema_patches)
EXCLUDED_CHECKS: Final = tuple(d.excluded_check for d in DEVIATIONS if d.excluded_check is not None)


def is_status_row(row: Deviation) -> bool:
    """A row that adds an undocumented status (rather than patching a schema or a check)."""
    return not row.schema_patches and row.excluded_check is None and row.key is None


def row(key: str) -> Deviation:
    """The row a contract check cites for a special case it makes."""
    return next(d for d in DEVIATIONS if d.key == key)


def deviation_for(operation_id: str, status: int) -> Deviation | None:
    """The row that covers this undocumented status of this operation."""
    for candidate in DEVIATIONS:
        if is_status_row(candidate) and candidate.status == status and candidate.operation_id in (operation_id, "*"):
            return candidate
    return None


_MAY_ADD = frozenset({"required", "additionalProperties", "platform"})


def replace_at(document: dict[str, Any], pointer: str, value: Any) -> None:
    """Replace the node at a JSON pointer; a pointer that names nothing is an error."""
    *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
        return
    if last not in node and last not in _MAY_ADD:  # a DTO may gain these
        raise KeyError(f"deviation patch {pointer} points at nothing in the spec")
    node[last] = value

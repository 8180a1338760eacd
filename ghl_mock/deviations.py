"""Where ghl-mock knowingly answers differently from HighLevel's official OpenAPI file.

Each row says what the spec says, what the mock does, and the evidence (research § numbers).
The contract tests adapt their checks for exactly these points and nowhere else: a status the
spec does not document is checked against ``body_schema`` (or has no body check when that is
None), and a ``schema_patch`` replaces one wrong schema fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from ghl_mock.operations import OPERATIONS, V3_TEMPLATES
from ghl_mock.platforms import PLATFORMS, Api, BodyField

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
    #: The spec the row is about: v1 (apps/social-media-posting.json), v3, or both ("*").
    api: Api | Literal["*"] = "*"

    def applies_to(self, api: Api) -> bool:
        return self.api in ("*", api)


def _pointer(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


_STARTS = [op for op in OPERATIONS if op.kind == "start" and op.api == "v1"]

_ATTACHING = [
    op for op in OPERATIONS if op.kind == "attach" and op.form is not None and op.body is not None and op.api == "v1"
]
_ATTACHING_V3 = [
    op for op in OPERATIONS if op.kind == "attach" and op.form is not None and op.body is not None and op.api == "v3"
]
#: What each attach DTO requires in the mock (the v1 DTOs require nothing, or IG's pageId), per spec.
_ATTACH_REQUIRED = {
    api: {op.form.attach_dto: tuple(f for f in op.body or () if f.required) for op in ops if op.form}
    for api, ops in (("v1", _ATTACHING), ("v3", _ATTACHING_V3))
}
#: The v1 attach answers' account-record schemas, whose ``platform`` and ``type`` are typed ``object``
#: (both specs have them).
_RECORD_SCHEMAS = tuple(op.platform.record_schema for op in _ATTACHING if op.platform is not None)
_RECORD_SCHEMAS_V3: tuple[str, ...] = tuple(
    op.platform.record_schema for op in _ATTACHING if op.platform is not None and op.platform.v3 is not None
)


def _strict_body(
    dto: str, required: tuple[BodyField, ...], api: Api = "v1"
) -> tuple[tuple[str, dict[str, Any] | list[str] | bool], ...]:
    base = f"/components/schemas/{dto}"
    names = [f.name for f in required]
    patches: list[tuple[str, Any]] = [(f"{base}/required", names), (f"{base}/additionalProperties", False)]
    patches.append((f"{base}/properties/platform", {"type": "string", "description": "tolerated (ghl-mock)"}))
    if (
        api == "v3" and dto == "AttachIGAccountDTO"
    ):  # v3's own instagram example body sends it (deviations: instagram-type)
        patches.append((f"{base}/properties/type", {"type": "string", "enum": ["page"]}))
    for field in required:
        kind: dict[str, Any]
        if field.kind == "object":
            kind = {"type": "object", "minProperties": 1}
        elif field.choices:
            kind = {"type": "string", "enum": list(field.choices)}
        else:
            kind = {"type": "string", "minLength": 1}
        patches.append((f"{base}/properties/{field.name}", kind))
    return tuple(patches)


_RECORDS_BY_API: tuple[tuple[Api, tuple[str, ...]], ...] = (("v1", _RECORD_SCHEMAS), ("v3", _RECORD_SCHEMAS_V3))

#: The get DTO ghl-mock holds threads' v3 answer to (the spec has none): its siblings' shape.
THREADS_ACCOUNTS_SCHEMA: Final = {
    "title": "Threads (ghl-mock)",
    "type": "object",
    "description": "ghl-mock deviation: the v3 spec has no get-oauth-accounts DTO for threads",
    "properties": {
        "success": {"type": "boolean"},
        "statusCode": {"type": "number"},
        "message": {"type": "string", "example": "Fetched Threads Account"},
        "results": {
            "type": "object",
            "properties": {
                "profile": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "name": {"type": "string"},
                            "username": {"type": "string"},
                            "avatar": {"type": "string"},
                            "isConnected": {"type": "boolean"},
                        },
                        "required": ["id", "name", "isConnected"],
                    },
                }
            },
            "required": ["profile"],
        },
    },
    "required": ["success", "statusCode", "message", "results"],
}
_V3 = [p for p in PLATFORMS.values() if p.v3 is not None and not p.v3.unsupported]
#: Per platform, the v3 ``oneOf`` member each of its answers and bodies is held to.
V3_ACCOUNTS_DTO: Final = {
    p.slug: (p.v3.accounts_dto or "GhlMockThreadsAccountsResponseDTO") for p in _V3 if p.v3 is not None
}
V3_ANSWER_DTO: Final = {p.slug: p.v3.answer_dto for p in _V3 if p.v3 is not None and p.v3.answer_dto}
V3_ACCOUNTS_DTOS: Final = tuple(dict.fromkeys(V3_ACCOUNTS_DTO.values()))
V3_ATTACH_DTOS: Final = tuple(dict.fromkeys(p.v3.attach_dto for p in _V3 if p.v3 is not None and p.v3.attach_dto))
V3_ANSWER_DTOS: Final = tuple(dict.fromkeys(V3_ANSWER_DTO.values()))
assert set(V3_ACCOUNTS_DTO) - {"threads"} == {p.slug for p in _V3 if p.v3 and p.v3.accounts_dto}


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
        "start-oauth",
        302,
        "200 'Successful Response' with no body",
        "302 Found, `Location` = the mock consent page carrying a signed `state`",
        "research §3.1 [OBSERVED]: the same endpoint as the per-platform starts (v3 keeps their paths)",
        api="v3",
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
    *(
        Deviation(
            "*",
            201,
            "the attach answers' `platform` and `type` are declared `type: object` (their examples are strings)",
            "both are strings (`facebook`, `page`), as every example says",
            "research §4.7 [SPEC] enum-typed-as-object fields; the examples and descriptions are strings",
            schema_patches=tuple(
                (f"/components/schemas/{name}/properties/{field}", {"type": "string"})
                for name in records
                for field in ("platform", "type")
            ),
            api=api,
        )
        for api, records in _RECORDS_BY_API
    ),
    Deviation(
        "attach-facebook-page-group",
        0,
        '`AttachFBAccountDTO.type` is declared `type: object` (its example is "page")',
        "`type` must be a string when given (`type must be a string` otherwise)",
        "research §4.7 [SPEC] the declared type contradicts the example; real clients send `type: 'page'`",
        schema_patches=(("/components/schemas/AttachFBAccountDTO/properties/type", {"type": "string"}),),
        api="v1",
    ),
    Deviation(
        "attach-instagram-page-group",
        0,
        "`AttachIGAccountDTO` requires `pageId`",
        "`pageId` is optional, under v1 and v3 alike: a body without it attaches",
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
        + tuple(patch for dto, required in _ATTACH_REQUIRED["v1"].items() for patch in _strict_body(dto, required)),
        api="v1",
    ),
    Deviation(
        "*",
        422,
        "`locationId` and `userId` have no `minLength`; the attach DTOs' `required` lists (instagram's "
        "`pageId` among them) and no `additionalProperties: false`",
        "as under v1: empty required parameters are refused, each v3 attach DTO's own `required` list is "
        "enforced (but instagram's `pageId`: deviations instagram-page-id), undeclared properties are refused "
        "(`platform` tolerated; instagram also takes `type: page`, which v3's own example body sends)",
        "research §3.4 [OBSERVED]; the v3 DTOs' `required` lists [SPEC]; decisions #54, #77",
        schema_patches=tuple(
            (f"/paths/{_pointer(V3_TEMPLATES['start'])}/get/parameters/{i}/schema", {"type": "string", "minLength": 1})
            for i in (3, 4)  # Authorization, Version, platform, then locationId and userId
        )
        + tuple(
            patch for dto, required in _ATTACH_REQUIRED["v3"].items() for patch in _strict_body(dto, required, "v3")
        ),
        api="v3",
    ),
    Deviation(
        "*",
        0,
        "get-oauth-accounts' 200, attach-oauth-accounts' body and its 201 are each a `oneOf` of per-platform "
        "DTOs that require no distinguishing field, so every body matches several members and no body can "
        "satisfy the `oneOf`; threads has no get DTO, and its attach answer DTO is missing from the `oneOf`",
        "the served spec says `anyOf` (threads' answer DTO added, and a get DTO for threads shaped like its "
        "siblings', `GhlMockThreadsAccountsResponseDTO`); the contract checks hold each answer to its own "
        "platform's member (`V3_ACCOUNTS_DTO`, `V3_ANSWER_DTO`)",
        "[SPEC] the v3 file's oneOf members; JSON Schema's oneOf means exactly one (decisions #77)",
        schema_patches=(
            (
                f"/paths/{_pointer(V3_TEMPLATES['accounts'])}/get/responses/200/content/application~1json/schema",
                {"anyOf": [{"$ref": f"#/components/schemas/{name}"} for name in V3_ACCOUNTS_DTOS]},
            ),
            (
                f"/paths/{_pointer(V3_TEMPLATES['attach'])}/post/requestBody/content/application~1json/schema",
                {"anyOf": [{"$ref": f"#/components/schemas/{name}"} for name in V3_ATTACH_DTOS]},
            ),
            (
                f"/paths/{_pointer(V3_TEMPLATES['attach'])}/post/responses/201/content/application~1json/schema",
                {"anyOf": [{"$ref": f"#/components/schemas/{name}"} for name in V3_ANSWER_DTOS]},
            ),
            ("/components/schemas/GhlMockThreadsAccountsResponseDTO", THREADS_ACCOUNTS_SCHEMA),
        ),
        api="v3",
    ),
    *(
        Deviation(
            operation_id,
            413,
            "no 413 documented",
            "a JSON body over 100 kB answers `413 {statusCode: 413, message: 'request entity too large', "
            "error: 'Payload Too Large'}`",
            "[INFERRED] body-parser's default limit under NestJS (decisions #53)",
            body_schema=GENERIC_ERROR,
            api=api,
        )
        for api, operation_id in dict.fromkeys((op.api, op.operation_id) for op in OPERATIONS if op.body is not None)
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
        '`Version` enum is `["2021-07-28"]` (v3 spec: `["v3"]`)',
        "also accepts `2021-04-15` and `2023-02-21` (observed live) as v1; `v3` selects the v3 rows "
        "(versions.GENERATIONS); `--strict-version` accepts only each spec's documented value",
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
        "get-oauth-accounts",
        200,
        "the v3 examples and DTOs disagree: linkedin's example `profile` is an object (DTO: array), youtube's "
        "example lists `channels` (DTO: `profile[]` of `YoutubeProfileSchema`), pinterest's and tiktok's "
        "examples are one flat object (DTOs: `profile[]`)",
        "each platform answers its DTO's form, the same as under v1 where v1 has the platform: linkedin "
        "`pages[]` + `profile[]`, youtube `profile[]` (type `PROFILE`), pinterest `profile[]` (type `PINNER`, "
        "`websiteUrl`), tiktok `profile[]`; threads (no DTO) `profile[]` like its siblings",
        "[SPEC] DTOs are what the generated SDKs type against; examples are hand-written (decisions #77)",
        key="v3-forms",
        api="v3",
    ),
    Deviation(
        "attach-oauth-accounts",
        0,
        "any member of the body's `oneOf` is a valid body for every `platform` of the path",
        "each platform takes its own member (`V3_ATTACH_DTO` via `Platform.v3`); another member's body "
        "(pinterest's `{originId}` for facebook, which needs `type`, `name`, `avatar`) is a 422 naming the "
        "missing or undeclared fields; the schemathesis run checks acceptance against the platform's member",
        "[SPEC] the oneOf members' titles name their platforms; the path's `platform` selects the DTO",
        key="v3-body-per-platform",
        api="v3",
    ),
    Deviation(
        "*",
        0,
        "the v3 operations `$ref` `BadRequestDTO`, `UnauthorizedDTO` and `UnprocessableDTO` as "
        "`#/components/schemas/…` (the v3 file does not define them) or by the relative file name v1 uses "
        "(which, from apps/v3/, names apps/common/common-schemas.json: no such file); they are in "
        "apps/v3/common/common-schemas.json",
        "the served spec and the contract checks resolve them to the v3 common file's DTOs",
        "research §2.8 [SPEC] dangling refs upstream",
        key="v3-dangling-refs",
        api="v3",
    ),
    Deviation(
        "attach-oauth-accounts",
        201,
        "three of the seven v3 answer DTOs (YouTube, Pinterest, Threads) require a top-level `platform` "
        "they do not declare",
        "every v3 attach answer carries a top-level `platform` (the platform's slug) beside `results`",
        "[SPEC] their `required` lists; the other DTOs allow extra keys, so one form fits all (decisions #77)",
        key="v3-answer-platform",
        api="v3",
    ),
    Deviation(
        "get-google-locations",
        0,
        "under v3, google's get/attach path is `/oauth/{locationId}/google/accounts/{accountId}` (the generic "
        "form); v1's is `/google/locations/{accountId}`",
        "both forms: `/accounts/` under `Version: v3` only (a date Version gets NestJS's 404), `/locations/` "
        "under every Version (answered as v1); the other v3-only platforms likewise 404 under a date",
        "research §2.8 [OBSERVED] v3-only path forms 404 under 2021-07-28 and old paths keep working under v3",
        key="version-forms",
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

SCHEMA_PATCHES: Final[dict[Api, tuple[tuple[str, Any], ...]]] = {
    api: tuple(patch for d in DEVIATIONS if d.applies_to(api) for patch in d.schema_patches) for api in ("v1", "v3")
}
EXCLUDED_CHECKS: Final = tuple(d.excluded_check for d in DEVIATIONS if d.excluded_check is not None)


def is_status_row(row: Deviation) -> bool:
    """A row that adds an undocumented status (rather than patching a schema or a check)."""
    return not row.schema_patches and row.excluded_check is None and row.key is None


def row(key: str) -> Deviation:
    """The row a contract check cites for a special case it makes."""
    return next(d for d in DEVIATIONS if d.key == key)


def deviation_for(operation_id: str, status: int, api: Api = "v1") -> Deviation | None:
    """The row that covers this undocumented status of this operation (of ``api``'s spec)."""
    for candidate in DEVIATIONS:
        if (
            is_status_row(candidate)
            and candidate.status == status
            and candidate.operation_id in (operation_id, "*")
            and candidate.applies_to(api)
        ):
            return candidate
    return None


#: What a patch may add rather than replace (instagram's v3 DTO gains ``type``; see _strict_body).
_MAY_ADD = frozenset({"required", "additionalProperties", "platform", "type"})


def replace_at(document: dict[str, Any], pointer: str, value: Any) -> None:
    """Replace the node at a JSON pointer; a pointer that names nothing is an error."""
    *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
        return
    if last not in node and last not in _MAY_ADD and not last.startswith("GhlMock"):  # a DTO may gain these
        raise KeyError(f"deviation patch {pointer} points at nothing in the spec")
    node[last] = value

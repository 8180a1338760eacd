"""Where ghl-mock knowingly answers differently from HighLevel's official OpenAPI file.

Each row says what the spec says, what the mock does, and the evidence (research § numbers).
The contract tests adapt their checks for exactly these points and nowhere else: a status the
spec does not document is checked against ``body_schema`` (or has no body check when that is
None), and a ``schema_patch`` replaces one wrong schema fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

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
    schema_patches: tuple[tuple[str, dict[str, Any]], ...] = ()
    #: Only answers a scenario step produced (``X-Ghl-Mock-Step``) may use this status.
    scripted_only: bool = False
    #: A schemathesis check that tests the spec's letter on this point, switched off for it.
    excluded_check: str | None = None
    #: A departure no status or schema check sees (the contract checks cite the row by ``key``).
    key: str | None = None


_STATUS_AND_SCHEMA_ROWS = (
    Deviation(
        "start-tiktok-business-oauth",
        302,
        "200 'Successful Response' with no body",
        "302 Found, `Location` = the mock consent page carrying a signed `state`",
        "research §3.1 [OBSERVED] live start endpoints redirect; integrators read the 302 "
        "`Location` with `redirect: manual` (IkonicR/ads-x-create-v2)",
    ),
    Deviation(
        "get-tiktok-business-profile",
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
        "start-tiktok-business-oauth",
        422,
        "`locationId` and `userId` are `type: string` with no `minLength`, so `?userId=` is schema-valid",
        "an empty required parameter is refused with `X should not be empty`, as class-validator's "
        "@IsNotEmpty does; the spec gains `minLength: 1` for both",
        "research §3.4 [OBSERVED] `locationId should not be empty` / `userId should not be empty` on "
        "HighLevel endpoints",
        schema_patches=tuple(
            (f"/paths/~1social-media-posting~1oauth~1tiktok-business~1start/get/parameters/{i}/schema", schema)
            for i, schema in ((1, {"type": "string", "minLength": 1}), (2, {"type": "string", "minLength": 1}))
        ),
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
        "the `statusCode` example in the 200 body is 201",
        "the body's `statusCode` is 200, as the HTTP status (the schema says `number`; only the example differs)",
        "research §2.5: every other GET DTO's example is 200; decisions #25",
        key="body-status-code",
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


def replace_at(document: dict[str, Any], pointer: str, value: Any) -> None:
    """Replace the node at a JSON pointer; a pointer that names nothing is an error."""
    *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
        return
    if last not in node:
        raise KeyError(f"deviation patch {pointer} points at nothing in the spec")
    node[last] = value

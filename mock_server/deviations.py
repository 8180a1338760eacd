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
    #: For a schema bug: (JSON pointer into apps/social-media-posting.json, the schema used instead).
    schema_patch: tuple[str, dict[str, Any]] | None = None
    #: Only answers a scenario step produced (``X-Ghl-Mock-Step``) may use this status.
    scripted_only: bool = False


DEVIATIONS: Final = (
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
        schema_patch=(
            "/components/schemas/TiktokProfileSchema/properties/type",
            {"type": "string", "enum": ["BUSINESS", "PROFILE"]},
        ),
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

SCHEMA_PATCHES: Final = tuple(d.schema_patch for d in DEVIATIONS if d.schema_patch is not None)


def deviation_for(operation_id: str, status: int) -> Deviation | None:
    """The row that covers this status of this operation (status rows, not schema patches)."""
    for row in DEVIATIONS:
        if row.schema_patch is None and row.status == status and row.operation_id in (operation_id, "*"):
            return row
    return None

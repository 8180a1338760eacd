"""Where ghl-mock knowingly answers differently from HighLevel's official OpenAPI file.

Each row says what the spec says, what the mock does, and the evidence (research § numbers).
The contract tests adapt their checks for exactly these points and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True, slots=True)
class Deviation:
    operation_id: str
    status: int
    spec_says: str
    mock_does: str
    evidence: str
    #: For a schema bug: (JSON pointer into apps/social-media-posting.json, the schema used instead).
    schema_patch: tuple[str, dict[str, Any]] | None = None


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
    ),
)

#: Responses whose status itself departs from the spec (no schema check applies to them).
DEVIATION_STATUSES: Final = {(d.operation_id, d.status): d for d in DEVIATIONS if d.schema_patch is None}
SCHEMA_PATCHES: Final = tuple(d.schema_patch for d in DEVIATIONS if d.schema_patch is not None)

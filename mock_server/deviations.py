"""Where ghl-mock knowingly answers differently from HighLevel's official OpenAPI file.

Each row says what the spec says, what the mock does, and the evidence (research § numbers).
The contract tests adapt their checks for exactly these points and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Deviation:
    operation_id: str
    status: int
    spec_says: str
    mock_does: str
    evidence: str


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
        "*",
        404,
        "no 404 documented",
        "NestJS's `{statusCode: 404, message: 'Cannot GET /path', error: 'Not Found'}` for unknown routes",
        "research §2.8 [OBSERVED] `404 Cannot GET` on unknown path forms; shape per v3 `NotFoundDTO`",
    ),
)

DEVIATION_STATUSES: Final = {(d.operation_id, d.status): d for d in DEVIATIONS}

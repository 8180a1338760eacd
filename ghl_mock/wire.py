"""Names on the wire and in the ASGI scope, typed once.

Requests may carry ``X-Mock-*`` headers (ghl-mock's controls); responses carry ``X-Ghl-Mock-*``
headers (ghl-mock's diagnosis). HighLevel sends neither. The pipeline leaves its diagnosis in
the request scope under the ``*_KEY`` names, where the journal reads it.
"""

from __future__ import annotations

from typing import Final

SESSION_HEADER: Final = "X-Mock-Session"
SCENARIO_HEADER: Final = "X-Mock-Scenario"
CONSENT_HEADER: Final = "X-Mock-Consent"

REASON_HEADER: Final = "X-Ghl-Mock-Reason"
RULE_HEADER: Final = "X-Ghl-Mock-Rule"
STEP_HEADER: Final = "X-Ghl-Mock-Step"
HINT_HEADER: Final = "X-Ghl-Mock-Hint"
NOTE_HEADER: Final = "X-Ghl-Mock-Note"
OFF_CONTRACT_HEADER: Final = "X-Ghl-Mock-Off-Contract"

#: Scope keys: the request's scenario session, the step that answered, and the failed rule.
SESSION_KEY: Final = "ghl_mock.session"
STEP_KEY: Final = "ghl_mock.step"
RULE_KEY: Final = "ghl_mock.rule"
REASON_KEY: Final = "ghl_mock.reason"
#: The app's ``MockContext``, put into every request's scope by ``front.Front``.
CONTEXT_KEY: Final = "ghl_mock.context"
#: The request's Version as ``versions.requested`` reads it, worked out once per request.
VERSION_KEY: Final = "ghl_mock.version"

#: The rate-limit headers HighLevel sends (research §3.5), in the order a scripted 429 sends them.
RATE_LIMIT_HEADERS: Final = (
    "X-RateLimit-Limit-Daily",
    "X-RateLimit-Daily-Remaining",
    "X-RateLimit-Interval-Milliseconds",
    "X-RateLimit-Max",
    "X-RateLimit-Remaining",
    "Retry-After",
)

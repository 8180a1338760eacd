"""The rule table: every check the mocked endpoints run, in order, with its status and message.

This is the single place that says what HighLevel answers and why. Each row cites
``../shared/reference/ghl-api-research.md`` (§ numbers below) and its confidence label. Where the
research is [INFERRED] or [UNKNOWN], the row records our decision; ``docs/decisions.md``
gives the reasoning. The README repeats this table; ``tests/test_rules_doc.py`` keeps the two in step.

Order of the stages (issue #2, research §3.3): the ``Version`` header, then a JSON body that does
not parse (Express's body parser runs before NestJS's guards), then ``Authorization`` and the token
(validity, auth class, scope), then the query and the body (422), then location access, then a
retired or unsupported platform, then the account the path names. ``STAGE_ORDER`` is that order; ``pipeline.py``
runs it for every operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal


class Stage(StrEnum):
    VERSION = "version"
    BODY_PARSE = "body-parse"
    TOKEN = "token"
    QUERY = "query"
    BODY = "body"
    LOCATION = "location"
    PLATFORM = "platform"
    ACCOUNT = "account"


#: The stages in the order every mocked operation runs them (body stages: attach only).
STAGE_ORDER: Final = (
    Stage.VERSION,
    Stage.BODY_PARSE,
    Stage.TOKEN,
    Stage.QUERY,
    Stage.BODY,
    Stage.LOCATION,
    Stage.PLATFORM,
    Stage.ACCOUNT,
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One row: a failed check and the exact answer HighLevel gives for it."""

    name: str
    stage: Stage
    status: int
    #: The ``message`` field. ``{value}`` is filled from the request where the API reflects it.
    #: For 422 rows the message is built from validation constraints (see ``validation.py``).
    message: str
    #: The official DTO the body conforms to (``common/common-schemas.json``).
    dto: str
    evidence: str
    #: Whether the body carries NestJS's ``"error"`` key (422 always does; observed 401s do not).
    error_label: str | None = None


VERSION_MISSING = Rule(
    "version_missing",
    Stage.VERSION,
    401,
    "version header was not found.",
    "UnauthorizedDTO",
    "§3.3 [OBSERVED] several sources; empty value treated as missing [INFERRED]",
)
VERSION_UNKNOWN = Rule(
    "version_unknown",
    Stage.VERSION,
    401,
    "version header is invalid",
    "UnauthorizedDTO",
    "§3.3 [OBSERVED] `Version: 2020-01-01`; applied to any date- or vN-shaped value not accepted",
)
VERSION_MALFORMED = Rule(
    "version_malformed",
    Stage.VERSION,
    400,
    "Invalid API version segment '{value}' at position 0",
    "BadRequestDTO",
    "§3.3 [OBSERVED] `Version: bogus-version` (Exalt24)",
)
TOKEN_INVALID_JWT = Rule(
    "token_invalid_jwt",
    Stage.TOKEN,
    401,
    "Invalid JWT",
    "UnauthorizedDTO",
    "§3.2 [OBSERVED] for garbage tokens; a missing or non-bearer header is [UNKNOWN] and bad "
    "signature/expiry [INFERRED]: all use it (decisions #3, #4)",
)
TOKEN_INVALID_PIT = Rule(
    "token_invalid_pit",
    Stage.TOKEN,
    401,
    "Invalid Private Integration token",
    "UnauthorizedDTO",
    "§3.2 [OBSERVED] unknown or revoked `pit-…` token",
)
TOKEN_COMPANY_OAUTH = Rule(
    "token_company_oauth",
    Stage.TOKEN,
    401,
    "This authClass type is not allowed to access this scope. "
    "Please verify your IAM configuration if this is not the case.",
    "UnauthorizedDTO",
    "§3.2 [OBSERVED] OAuth Company token on a Sub-Account endpoint",
)
TOKEN_AGENCY_PIT = Rule(
    "token_agency_pit",
    Stage.TOKEN,
    401,
    "Token's user type mismatch!",
    "UnauthorizedDTO",
    "§3.2 [OBSERVED] Agency PIT on `/users/`; chosen here over the scope message [INFERRED]",
)
TOKEN_MISSING_SCOPE = Rule(
    "token_missing_scope",
    Stage.TOKEN,
    401,
    "The token is not authorized for this scope.",
    "UnauthorizedDTO",
    "§3.2 [OBSERVED] including social-media-posting endpoints",
)
QUERY_INVALID = Rule(
    "query_invalid",
    Stage.QUERY,
    422,
    "<class-validator messages>",
    "UnprocessableDTO",
    "§3.4 [SPEC] shape, [OBSERVED] messages on other endpoints; message order [INFERRED]",
    error_label="Unprocessable Entity",
)
LOCATION_FORBIDDEN = Rule(
    "location_forbidden",
    Stage.LOCATION,
    401,
    "This location is not accessible from this token!",
    "UnauthorizedDTO",
    "§3.2 [OBSERVED] on social-media-posting `/{locationId}/accounts`; [INFERRED] for `start?locationId=`",
)
BODY_MALFORMED = Rule(
    "body_malformed",
    Stage.BODY_PARSE,
    400,
    "{value}",
    "BadRequestDTO",
    "[INFERRED] NestJS on Express: body-parser's SyntaxError becomes 400 with V8's JSON.parse message "
    "(`Unexpected token } in JSON at position 12`, `Unexpected end of JSON input`); strict mode refuses "
    "a top-level scalar the same way (decisions #53)",
    error_label="Bad Request",
)
BODY_TOO_LARGE = Rule(
    "body_too_large",
    Stage.BODY_PARSE,
    413,
    "request entity too large",
    "BadRequestDTO",
    "[INFERRED] body-parser's default 100 kB JSON limit and its PayloadTooLargeError text (decisions #53)",
    error_label="Payload Too Large",
)
BODY_INVALID = Rule(
    "body_invalid",
    Stage.BODY,
    422,
    "<class-validator messages>",
    "UnprocessableDTO",
    "§3.4 [SPEC] shape; class-validator's own messages for the attach DTOs' fields [INFERRED] (decisions #54)",
    error_label="Unprocessable Entity",
)
PLATFORM_RETIRED = Rule(
    "platform_retired",
    Stage.PLATFORM,
    400,
    "{value}",
    "BadRequestDTO",
    "[SPEC] start-twitter-oauth: 'As of December 4, 2024, X (formerly Twitter) is no longer supported'; "
    "the live answer is [UNKNOWN]: every twitter operation gives the documented 400 with the spec's words, "
    "unless `--legacy-platform twitter` (decisions #55)",
)
PLATFORM_UNSUPPORTED = Rule(
    "platform_unsupported",
    Stage.PLATFORM,
    400,
    "{value}",
    "BadRequestDTO",
    "[SPEC] v3 start-oauth: 'bluesky: Currently not supported, will return an error'; the error is "
    "[UNKNOWN]: every v3 bluesky operation gives the documented 400 `Bluesky is currently not supported` "
    "after the usual checks (decisions #74)",
)
ACCOUNT_NOT_FOUND = Rule(
    "account_not_found",
    Stage.ACCOUNT,
    400,
    "OAuth account not found",
    "BadRequestDTO",
    "[UNKNOWN] nobody has published the live answer; an unknown accountId, or one granted for "
    "another location, gets the documented 400 body (decision, docs/decisions.md)",
)
ORIGIN_NOT_FOUND = Rule(
    "origin_not_found",
    Stage.ACCOUNT,
    400,
    "Page or profile not found for this OAuth account",
    "BadRequestDTO",
    "[UNKNOWN] attach with an originId (google: location.name) the OAuth account does not offer; "
    "the documented 400 body, so a client sending the wrong id fails loudly (decisions #56)",
)
SOCIAL_ACCOUNT_NOT_FOUND = Rule(
    "social_account_not_found",
    Stage.ACCOUNT,
    400,
    "Account not found",
    "BadRequestDTO",
    "[UNKNOWN] delete of an id that is not a connected account of the location (deleted already, "
    "another location's); the documented 400 body (decisions #57)",
)

#: Every rule, in check order. The README table is generated from this tuple.
RULES: Final = (
    VERSION_MISSING,
    VERSION_UNKNOWN,
    VERSION_MALFORMED,
    BODY_MALFORMED,
    BODY_TOO_LARGE,
    TOKEN_INVALID_JWT,
    TOKEN_INVALID_PIT,
    TOKEN_COMPANY_OAUTH,
    TOKEN_AGENCY_PIT,
    TOKEN_MISSING_SCOPE,
    QUERY_INVALID,
    BODY_INVALID,
    LOCATION_FORBIDDEN,
    PLATFORM_RETIRED,
    PLATFORM_UNSUPPORTED,
    ACCOUNT_NOT_FOUND,
    ORIGIN_NOT_FOUND,
    SOCIAL_ACCOUNT_NOT_FOUND,
)

RULES_BY_NAME: Final = {rule.name: rule for rule in RULES}

#: Versions the live API is observed to accept on established routes (§3.3 [OBSERVED]).
#: The official TS SDK v3.0.0 sends 2023-02-21 by default, so the mock accepts it too.
OBSERVED_VERSIONS: Final = frozenset({"2021-07-28", "2021-04-15", "2023-02-21", "v3"})
#: The values each spec's enum documents; ``--strict-version`` accepts just these, per generation.
DOCUMENTED_VERSIONS: Final[dict[Literal["v1", "v3"], frozenset[str]]] = {
    "v1": frozenset({"2021-07-28"}),
    "v3": frozenset({"v3"}),
}


def markdown_table() -> str:
    """The rule table as Markdown, for the README (kept in step by a test)."""
    lines = [
        "| # | stage | rule | status | message | body DTO | evidence / decision |",
        "|---|---|---|---|---|---|---|",
    ]
    for number, rule in enumerate(RULES, start=1):
        message = rule.message.replace("|", "\\|")
        lines.append(
            f"| {number} | {rule.stage} | `{rule.name}` | {rule.status} | `{message}` | {rule.dto} | {rule.evidence} |"
        )
    return "\n".join(lines)

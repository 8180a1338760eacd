"""What a scenario file may say. The JSON Schema of these models is what ``ghl-mock scenarios
schema`` prints and what ``scenarios/scenario.schema.json`` keeps for editors."""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ghl_mock.platforms.base import Kind
from ghl_mock.rules import RULES

#: Which requests a step can match: an operation kind (operations.KINDS), a browser page
#: (``consent``, ``finish``), or ``any`` API operation.
Endpoint = Literal["start", "accounts", "attach", "list", "delete", "consent", "finish", "any"]
#: Every documented error by its rule name (ghl_mock/rules.py).
RuleName = Literal[
    "version_missing",
    "version_unknown",
    "version_malformed",
    "token_invalid_jwt",
    "token_invalid_pit",
    "token_company_oauth",
    "token_agency_pit",
    "token_missing_scope",
    "body_malformed",
    "body_too_large",
    "query_invalid",
    "body_invalid",
    "location_forbidden",
    "platform_retired",
    "platform_unsupported",
    "account_not_found",
    "origin_not_found",
    "social_account_not_found",
]
assert set(get_args(RuleName)) == {rule.name for rule in RULES}, "RuleName is out of step with rules.RULES"

assert set(get_args(Endpoint)) == {*get_args(Kind), "consent", "finish", "any"}, "Endpoint is out of step with Kind"

ConsentOutcome = Literal["approve", "cancel", "approve_reconnect", "never_post", "reject_account"]
BrokenKind = Literal["truncated_body", "malformed_json", "empty_reply"]
ACTION_FIELDS = ("passthrough", "error", "rate_limit", "gateway", "hang", "broken", "consent", "expire_accounts", "raw")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Match(_Model):
    """Which requests the step answers. Unset conditions match anything."""

    endpoint: Endpoint = Field(
        "any",
        description="start, accounts (get-accounts), attach, list, delete, consent, finish, or any "
        "(any = every API operation, not the browser pages)",
    )
    platform: str | None = Field(None, min_length=1, description="Only this platform's operations and pages")
    method: str | None = Field(None, min_length=1, description="HTTP method, e.g. GET (case-insensitive)")
    query: dict[str, str] = Field(
        default_factory=dict, description="Query parameters that must equal these values ('*': just present)"
    )
    headers: dict[str, str] = Field(
        default_factory=dict, description="Headers that must equal these values ('*': just present)"
    )

    @field_validator("method")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str | None) -> str | None:
        from ghl_mock.platforms import PLATFORMS

        if value is not None and value not in PLATFORMS:
            close = difflib.get_close_matches(value, PLATFORMS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown platform {value!r}{hint}; known: {', '.join(PLATFORMS)}")
        return value

    @field_validator("query", "headers", mode="before")
    @classmethod
    def _scalars_as_text(cls, value: Any) -> Any:
        """YAML reads ``Version: 2021-07-28`` as a date and ``limit: 5`` as a number: compare them as text."""
        if isinstance(value, dict):
            return {k: v if v is None or isinstance(v, (str, dict, list)) else str(v) for k, v in value.items()}
        return value


class Delay(_Model):
    """Latency before the step's answer: fixed, or uniform between bounds from the seeded source."""

    fixed_ms: Annotated[int, Field(ge=0, le=600_000)] | None = None
    min_ms: Annotated[int, Field(ge=0, le=600_000)] | None = None
    max_ms: Annotated[int, Field(ge=0, le=600_000)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Delay:
        if self.fixed_ms is not None:
            if self.min_ms is not None or self.max_ms is not None:
                raise ValueError("give fixed_ms, or min_ms and max_ms, not both")
        elif self.min_ms is None or self.max_ms is None:
            raise ValueError("give fixed_ms, or both min_ms and max_ms")
        elif self.min_ms > self.max_ms:
            raise ValueError("min_ms must not exceed max_ms")
        return self


class ErrorAction(_Model):
    """A documented error, rendered by the same code as the real check (bodies match byte for byte)."""

    rule: RuleName
    value: str = Field("bogus-version", description="The reflected value, for version_malformed")
    messages: list[str] = Field(
        default_factory=lambda: ["locationId should not be empty", "locationId must be a string"],
        min_length=1,
        description="The 422 messages, for query_invalid",
    )


class RateLimit(_Model):
    """429 with HighLevel's rate-limit headers (docs/oauth/Authorization.md) and Retry-After."""

    retry_after: int = Field(10, ge=0, description="Retry-After, seconds")
    limit_daily: int = Field(200_000, ge=0, description="X-RateLimit-Limit-Daily")
    daily_remaining: int = Field(
        199_000, ge=0, description="X-RateLimit-Daily-Remaining (0: the daily limit, not the burst one, ran out)"
    )
    interval_ms: int = Field(10_000, ge=1, description="X-RateLimit-Interval-Milliseconds")
    max: int = Field(100, ge=1, description="X-RateLimit-Max")
    remaining: int = Field(0, ge=0, description="X-RateLimit-Remaining")


class Hang(_Model):
    """Hold the request without answering (until the client gives up, or ``seconds`` pass: then 504)."""

    seconds: float = Field(60.0, gt=0, le=3600)


_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_HEADER_VALUE = re.compile(r"^[\t\x20-\x7e\x80-\xff]*$")
#: Headers the server computes itself; a raw step may not fake them.
_COMPUTED = {"content-length", "transfer-encoding", "connection"}


class Raw(_Model):
    """Anything else, exactly as given. Marked off-contract (``X-Ghl-Mock-Off-Contract: raw``)."""

    status: int = Field(ge=200, le=599, description="Any final status (no 1xx)")
    headers: dict[str, str] = Field(default_factory=dict)
    body: str = ""

    @field_validator("headers")
    @classmethod
    def _sendable(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            if not _TOKEN.match(name):
                raise ValueError(f"header name {name!r} is not a valid HTTP token")
            if name.lower() in _COMPUTED:
                raise ValueError(f"header {name} is set by the server, not the scenario")
            if not _HEADER_VALUE.match(value):
                raise ValueError(f"header {name}: value must be one line of latin-1 text")
        return headers

    @model_validator(mode="after")
    def _body_allowed(self) -> Raw:
        if self.status in (204, 304) and self.body:
            raise ValueError(f"a {self.status} answer has no body")
        return self


class Step(_Model):
    """One step: what it matches, what it does, and how many matching requests it answers."""

    match: Match = Field(default_factory=Match)
    repeat: Annotated[int, Field(ge=1)] | Literal["forever"] = Field(
        1, description="How many matching requests this step answers before the next one takes over"
    )
    delay: Delay | None = Field(None, description="Latency before answering (with any action)")
    passthrough: Literal[True] | None = Field(None, description="Answer normally (the default with no action)")
    error: ErrorAction | None = None
    rate_limit: RateLimit | None = None
    gateway: Literal[500, 502, 503, 504] | None = Field(None, description="A gateway-style 5xx")
    hang: Hang | None = None
    broken: BrokenKind | None = Field(None, description="truncated_body, malformed_json or empty_reply")
    consent: ConsentOutcome | None = Field(None, description="What the consent page does (endpoint: consent)")
    expire_accounts: Literal[True] | None = Field(
        None, description="The accounts list shows every account expired (isExpired: true; endpoint: list)"
    )
    raw: Raw | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        given = [name for name in ACTION_FIELDS if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(f"a step does one thing; it has {', '.join(given)}")
        if self.consent is not None and self.match.endpoint != "consent":
            raise ValueError("a consent action needs match.endpoint: consent")
        if self.match.endpoint == "consent" and given and given[0] not in ("consent", "passthrough"):
            raise ValueError("the consent page takes consent actions (or passthrough/delay) only")
        if self.match.platform is not None and self.match.endpoint in ("list", "delete"):
            raise ValueError("list and delete serve every platform: match.platform cannot narrow them")
        if self.expire_accounts is not None and self.match.endpoint != "list":
            raise ValueError("expire_accounts needs match.endpoint: list")
        return self

    @property
    def action(self) -> str:
        return next((name for name in ACTION_FIELDS if getattr(self, name) is not None), "passthrough")


class Scenario(_Model):
    """An ordered list of steps. The file's name (without extension) is the scenario's name."""

    description: str = Field(min_length=1, max_length=200, pattern=r"^[^\n]+$", description="One line")
    when_exhausted: Literal["fall_through", "keep_last"] = Field(
        "fall_through",
        description="After the last step: answer normally (fall_through), or keep answering as the last step",
    )
    steps: list[Step] = Field(min_length=1)


def json_schema() -> dict[str, object]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ghl-mock scenario"
    return schema

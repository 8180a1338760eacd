"""Property tests: for generated combinations of present, missing, repeated and garbage inputs,
the start endpoint answers exactly what the rule table says, and never a 5xx.

The oracle below restates the table independently of the implementation: check order
(version → token → query → location) and the literal messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from tests.conftest import (
    DEMO_LOCATION,
    OTHER_LOCATION,
    PIT_AGENCY,
    PIT_FULL,
    PIT_NO_SCOPE,
    START,
    contract_client,
    mint,
    tampered,
)


@cache
def shared_client() -> TestClient:
    return contract_client(create_app())


ACCEPTED = ["2021-07-28", "2021-04-15", "2023-02-21", "v3"]
visible = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30)


@dataclass(frozen=True)
class Token:
    header: str | None
    outcome: str  # "ok:<location>", or the expected 401 message


COMPANY_MSG = (
    "This authClass type is not allowed to access this scope. "
    "Please verify your IAM configuration if this is not the case."
)
TOKENS = st.sampled_from(
    [
        Token(None, "Invalid JWT"),
        Token("Basic abc", "Invalid JWT"),
        Token("Bearer ", "Invalid JWT"),
        Token("Bearer garbage.token.here", "Invalid JWT"),
        Token(f"Bearer {mint(expires_in=-60)}", "Invalid JWT"),
        Token(f"Bearer {tampered(mint())}", "Invalid JWT"),
        Token(f"Bearer {mint()}", f"ok:{DEMO_LOCATION}"),
        Token(f"Bearer {mint(OTHER_LOCATION, scopes=['socialplanner/oauth.readonly'])}", f"ok:{OTHER_LOCATION}"),
        Token(f"Bearer {mint(scopes=['socialplanner/post.readonly'])}", "The token is not authorized for this scope."),
        Token(f"Bearer {mint(company='demo-company')}", COMPANY_MSG),
        Token(f"Bearer {PIT_FULL}", f"ok:{DEMO_LOCATION}"),
        Token(f"Bearer {PIT_NO_SCOPE}", "The token is not authorized for this scope."),
        Token(f"Bearer {PIT_AGENCY}", "Token's user type mismatch!"),
        Token("Bearer pit-does-not-exist", "Invalid Private Integration token"),
    ]
)
GARBAGE_TOKENS = st.builds(
    lambda text: Token(
        f"Bearer {text}", "Invalid Private Integration token" if text.startswith("pit-") else "Invalid JWT"
    ),
    st.one_of(visible, visible.map(lambda t: "pit-" + t), st.text(st.sampled_from("ab. -_"), min_size=1)).filter(
        lambda t: t.strip() != ""
    ),
)
VERSIONS = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(ACCEPTED),
    st.sampled_from(ACCEPTED).map(lambda v: f"  {v} "),
    st.sampled_from(["2020-01-01", "2099-12-31", "v9", "v0"]),
    visible,
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
)
#: Parameter names the DTO does not declare (class-validator reports them first, in order).
EXTRA_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True).filter(
    lambda n: n not in ("locationId", "userId", "page", "reconnect")
)
#: A query parameter's occurrences: absent, empty, one value, repeated, or bracketed.
OCCURRENCES = st.one_of(
    st.just(()),
    st.just(("",)),
    st.sampled_from([(DEMO_LOCATION,), (OTHER_LOCATION,), ("elsewhere",)]),
    st.tuples(visible),
    st.tuples(visible, visible),
    st.just(("[]",)),
)


def expected(
    version: str | None, token: Token, query: dict[str, tuple[str, ...]], extras: list[str]
) -> tuple[int, dict[str, object]]:
    v = (version or "").strip()
    if not v:
        return 401, {"statusCode": 401, "message": "version header was not found."}
    if v not in ACCEPTED:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}|v\d+", v):
            return 401, {"statusCode": 401, "message": "version header is invalid"}
        return 400, {"statusCode": 400, "message": f"Invalid API version segment '{v}' at position 0"}
    if not token.outcome.startswith("ok:"):
        return 401, {"statusCode": 401, "message": token.outcome}
    messages = [f"property {name} should not exist" for name in extras]
    for name, required in (("locationId", True), ("userId", True), ("page", False), ("reconnect", False)):
        occurrences = query[name]
        if not occurrences:
            if required:
                messages += [f"{name} should not be empty", f"{name} must be a string"]
        elif len(occurrences) > 1 or occurrences == ("[]",):
            messages.append(f"{name} must be a string")
        elif required and occurrences == ("",):
            messages.append(f"{name} should not be empty")
    if messages:
        return 422, {"statusCode": 422, "message": messages, "error": "Unprocessable Entity"}
    if query["locationId"][0] != token.outcome.removeprefix("ok:"):
        return 401, {"statusCode": 401, "message": "This location is not accessible from this token!"}
    return 302, {}


@settings(max_examples=400, deadline=None)
@given(
    version=VERSIONS,
    token=st.one_of(TOKENS, GARBAGE_TOKENS),
    location=OCCURRENCES,
    user=OCCURRENCES,
    page=OCCURRENCES,
    reconnect=OCCURRENCES,
    extras=st.lists(st.one_of(st.sampled_from(["foo", "__code", "Locationid"]), EXTRA_NAMES), unique=True, max_size=3),
)
def test_start_answers_exactly_what_the_table_says(
    version: str | None,
    token: Token,
    location: tuple[str, ...],
    user: tuple[str, ...],
    page: tuple[str, ...],
    reconnect: tuple[str, ...],
    extras: list[str],
) -> None:
    query = {"locationId": location, "userId": user, "page": page, "reconnect": reconnect}
    parts = []
    for name in extras:
        parts.append(f"{name}=1")
    for name, occurrences in query.items():
        for value in occurrences:
            parts.append(f"{name}[]=x" if value == "[]" else f"{name}={quote(value, safe='')}")
    headers = {}
    if version is not None:
        headers["Version"] = version
    if token.header is not None:
        headers["Authorization"] = token.header
    response = shared_client().get(f"{START}?{'&'.join(parts)}", headers=headers)
    status, body = expected(version, token, query, extras)
    assert response.status_code == status, response.text
    if status == 302:
        assert "/__mock/oauth/tiktok-business/consent?state=" in response.headers["location"]
    else:
        assert response.json() == body

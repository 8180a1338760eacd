"""One test per row of the rule table for the start endpoint, plus the success path."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.oauth_state import read_state
from ghl_mock.settings import DEFAULT_SECRET, Settings
from tests.conftest import (
    DEMO_LOCATION,
    DEMO_USER,
    OTHER_LOCATION,
    PIT_AGENCY,
    PIT_FULL,
    PIT_NO_SCOPE,
    PIT_OTHER_LOCATION,
    START,
    contract_client,
    headers,
    mint,
)

QUERY = {"locationId": DEMO_LOCATION, "userId": DEMO_USER}


def get(client: TestClient, query: dict[str, str] | str = QUERY, **kw: str | None) -> tuple[int, object]:
    response = client.get(START, params=query, headers=headers(**kw))
    return response.status_code, response.json()


def test_success_redirects_to_the_consent_page_with_a_signed_state(client: TestClient) -> None:
    response = client.get(START, params={**QUERY, "page": "integration", "reconnect": "true"}, headers=headers())
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert (location.scheme, location.netloc) == ("http", "testserver")
    assert location.path == "/__mock/oauth/tiktok-business/consent"
    state = read_state(DEFAULT_SECRET, parse_qs(location.query)["state"][0])
    assert (state.platform, state.location_id, state.user_id) == ("tiktok-business", DEMO_LOCATION, DEMO_USER)
    assert (state.page, state.reconnect) == ("integration", "true")
    assert response.text == f"Found. Redirecting to {response.headers['location']}"


def test_each_redirect_has_a_fresh_state(client: TestClient) -> None:
    first = client.get(START, params=QUERY, headers=headers()).headers["location"]
    second = client.get(START, params=QUERY, headers=headers()).headers["location"]
    assert first != second


def test_public_url_setting_sets_the_redirect_base() -> None:
    app = create_app(Settings(public_url="https://mock.example.test/base/"))
    with contract_client(app) as client:
        location = client.get(START, params=QUERY, headers=headers()).headers["location"]
    assert location.startswith("https://mock.example.test/base/__mock/oauth/tiktok-business/consent?state=")


@pytest.mark.parametrize("version", ["2021-07-28", "2021-04-15", "2023-02-21", "v3", " 2021-07-28 "])
def test_observed_versions_are_accepted_by_default(client: TestClient, version: str) -> None:
    assert client.get(START, params=QUERY, headers=headers(version=version)).status_code == 302


def test_missing_version(client: TestClient) -> None:
    assert get(client, version=None) == (401, {"statusCode": 401, "message": "version header was not found."})
    assert get(client, version="") == (401, {"statusCode": 401, "message": "version header was not found."})


@pytest.mark.parametrize("version", ["2020-01-01", "2021-07-29", "v2", "v30"])
def test_unknown_date_shaped_version(client: TestClient, version: str) -> None:
    assert get(client, version=version) == (401, {"statusCode": 401, "message": "version header is invalid"})


@pytest.mark.parametrize("version", ["bogus-version", "2021/07/28", "V3", "latest", "2021-07-28x"])
def test_malformed_version(client: TestClient, version: str) -> None:
    assert get(client, version=version) == (
        400,
        {"statusCode": 400, "message": f"Invalid API version segment '{version}' at position 0"},
    )


def test_strict_version_accepts_only_the_documented_value() -> None:
    with contract_client(create_app(Settings(strict_version=True))) as client:
        assert client.get(START, params=QUERY, headers=headers(version="2021-07-28")).status_code == 302
        assert get(client, version="2023-02-21") == (
            401,
            {"statusCode": 401, "message": "version header is invalid"},
        )


def test_version_is_checked_before_the_token(client: TestClient) -> None:
    assert get(client, token=None, version=None)[1] == {
        "statusCode": 401,
        "message": "version header was not found.",
    }


INVALID_JWT = (401, {"statusCode": 401, "message": "Invalid JWT"})


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Token " + PIT_FULL,
    ],
)
def test_missing_or_malformed_authorization(client: TestClient, authorization: str | None) -> None:
    hdrs = headers(token=None)
    if authorization is not None:
        hdrs["Authorization"] = authorization
    response = client.get(START, params=QUERY, headers=hdrs)
    assert (response.status_code, response.json()) == INVALID_JWT
    assert response.headers["x-ghl-mock-rule"] == "token_invalid_jwt"


def test_bearer_scheme_is_case_insensitive(client: TestClient) -> None:
    response = client.get(START, params=QUERY, headers={"Version": "2021-07-28", "Authorization": f"bearer {PIT_FULL}"})
    assert response.status_code == 302


def test_expired_token(client: TestClient) -> None:
    status, body = get(client, token=mint(expires_in=-1))
    assert (status, body) == INVALID_JWT


def test_token_signed_with_another_secret(client: TestClient) -> None:
    from ghl_mock.tokens import mint_token

    forged = mint_token(
        "x" * 40, auth_class="Location", auth_class_id=DEMO_LOCATION, scopes=["socialplanner/oauth.readonly"]
    )
    assert get(client, token=forged) == INVALID_JWT


def test_consent_state_is_not_a_bearer_token(client: TestClient) -> None:
    state = parse_qs(urlsplit(client.get(START, params=QUERY, headers=headers()).headers["location"]).query)["state"][0]
    assert get(client, token=state) == INVALID_JWT


def test_unknown_private_integration_token(client: TestClient) -> None:
    assert get(client, token="pit-11111111-2222-3333-4444-555555555555") == (
        401,
        {"statusCode": 401, "message": "Invalid Private Integration token"},
    )


def test_company_oauth_token(client: TestClient) -> None:
    assert get(client, token=mint(company="demo-company")) == (
        401,
        {
            "statusCode": 401,
            "message": "This authClass type is not allowed to access this scope. "
            "Please verify your IAM configuration if this is not the case.",
        },
    )


def test_agency_private_integration_token(client: TestClient) -> None:
    assert get(client, token=PIT_AGENCY) == (401, {"statusCode": 401, "message": "Token's user type mismatch!"})


@pytest.mark.parametrize("token", [PIT_NO_SCOPE, mint(scopes=["socialplanner/oauth.write"]), mint(scopes=[])])
def test_token_without_the_scope(client: TestClient, token: str) -> None:
    assert get(client, token=token) == (
        401,
        {"statusCode": 401, "message": "The token is not authorized for this scope."},
    )


def test_auth_class_is_checked_before_scope(client: TestClient) -> None:
    assert get(client, token=mint(company="c", scopes=[]))[1] == {
        "statusCode": 401,
        "message": "This authClass type is not allowed to access this scope. "
        "Please verify your IAM configuration if this is not the case.",
    }


def unprocessable(*messages: str) -> tuple[int, object]:
    return 422, {"statusCode": 422, "message": list(messages), "error": "Unprocessable Entity"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            unprocessable(
                "locationId should not be empty",
                "locationId must be a string",
                "userId should not be empty",
                "userId must be a string",
            ),
        ),
        (f"locationId={DEMO_LOCATION}", unprocessable("userId should not be empty", "userId must be a string")),
        (f"locationId=&userId={DEMO_USER}", unprocessable("locationId should not be empty")),
        (f"locationId&userId={DEMO_USER}", unprocessable("locationId should not be empty")),
        (f"locationId={DEMO_LOCATION}&locationId=x&userId=u", unprocessable("locationId must be a string")),
        (f"locationId[]={DEMO_LOCATION}&userId=u", unprocessable("locationId must be a string")),
        (f"locationId[a]={DEMO_LOCATION}&userId=u", unprocessable("locationId must be a string")),
        (f"locationId={DEMO_LOCATION}&userId=u&foo=1", unprocessable("property foo should not exist")),
        (
            f"bar=1&locationId={DEMO_LOCATION}&foo=1&userId=u&page=a&page=b&reconnect[x]=1",
            unprocessable(
                "property bar should not exist",
                "property foo should not exist",
                "page must be a string",
                "reconnect must be a string",
            ),
        ),
    ],
)
def test_query_validation(client: TestClient, query: str, expected: tuple[int, object]) -> None:
    response = client.get(f"{START}?{query}", headers=headers())
    assert (response.status_code, response.json()) == expected


def test_optional_parameters_may_be_empty(client: TestClient) -> None:
    response = client.get(f"{START}?locationId={DEMO_LOCATION}&userId={DEMO_USER}&page=&reconnect=", headers=headers())
    assert response.status_code == 302


def test_token_is_checked_before_the_query(client: TestClient) -> None:
    assert get(client, query="foo=1", token=None) == INVALID_JWT


def test_query_is_checked_before_location_access(client: TestClient) -> None:
    status, _ = get(client, query={"locationId": OTHER_LOCATION}, token=PIT_FULL)
    assert status == 422


LOCATION_FORBIDDEN = (401, {"statusCode": 401, "message": "This location is not accessible from this token!"})


@pytest.mark.parametrize(
    ("token", "location"),
    [
        (PIT_FULL, OTHER_LOCATION),
        (PIT_OTHER_LOCATION, DEMO_LOCATION),
        (mint("somewhere-else"), DEMO_LOCATION),
        (PIT_FULL, "no-such-location"),
    ],
)
def test_location_not_accessible(client: TestClient, token: str, location: str) -> None:
    assert get(client, query={"locationId": location, "userId": DEMO_USER}, token=token) == LOCATION_FORBIDDEN


def test_minted_token_works_for_any_location_it_names(client: TestClient) -> None:
    response = client.get(
        START,
        params={"locationId": "brand-new-location", "userId": "anyone"},
        headers=headers(mint("brand-new-location")),
    )
    assert response.status_code == 302


def test_user_id_is_not_checked_against_the_location(client: TestClient) -> None:
    """The live API 302s even when userId is the location id (research §3.1)."""
    response = client.get(START, params={"locationId": DEMO_LOCATION, "userId": DEMO_LOCATION}, headers=headers())
    assert response.status_code == 302


def test_error_responses_explain_themselves_in_a_header(client: TestClient) -> None:
    response = client.get(START, params=QUERY, headers=headers(token=mint(expires_in=-5)))
    assert response.headers["x-ghl-mock-reason"] == "token expired"
    assert response.headers["x-ghl-mock-rule"] == "token_invalid_jwt"


def test_unknown_platform_is_a_nestjs_404(client: TestClient) -> None:
    response = client.get("/social-media-posting/oauth/myspace/start?locationId=x", headers=headers())
    assert response.status_code == 404
    assert response.json() == {
        "statusCode": 404,
        "message": "Cannot GET /social-media-posting/oauth/myspace/start?locationId=x",
        "error": "Not Found",
    }


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_a_nestjs_404(client: TestClient, method: str) -> None:
    response = client.request(method, START, headers=headers())
    assert response.status_code == 404
    assert response.json()["message"] == f"Cannot {method} {START}"


def test_head_is_served_like_get(client: TestClient) -> None:
    assert client.head(START, params=QUERY, headers=headers()).status_code == 302


def test_repeated_version_headers_are_joined_as_node_does(client: TestClient) -> None:
    response = client.get(
        START,
        params=QUERY,
        headers=[("Version", "2021-07-28"), ("Version", "2021-07-28"), ("Authorization", f"Bearer {PIT_FULL}")],
    )
    assert (response.status_code, response.json()) == (
        400,
        {"statusCode": 400, "message": "Invalid API version segment '2021-07-28, 2021-07-28' at position 0"},
    )

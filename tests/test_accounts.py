"""The accounts endpoint: its table of statuses, and the grant the consent flow creates."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.settings import Settings
from tests.conftest import (
    BAKERY_PROFILES,
    DEMO_LOCATION,
    OTHER_LOCATION,
    PIT_AGENCY,
    PIT_FULL,
    PIT_NO_SCOPE,
    PIT_OTHER_LOCATION,
    contract_client,
    finish_message,
    headers,
    mint,
    start_flow,
)


def accounts_path(location: str, account: str) -> str:
    return f"/social-media-posting/oauth/{location}/tiktok-business/accounts/{account}"


def granted(client: TestClient, location: str = DEMO_LOCATION) -> str:
    message = finish_message(client, start_flow(client, location), "approve")
    account_id = message["payload"]["accountId"]
    assert isinstance(account_id, str)
    return account_id


def test_the_grant_lists_the_locations_profiles(client: TestClient) -> None:
    account_id = granted(client)
    response = client.get(accounts_path(DEMO_LOCATION, account_id), headers=headers(PIT_FULL))
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "statusCode": 200,
        "message": "Fetched Tiktok Business Account",
        "results": {"profile": BAKERY_PROFILES},
    }


def test_a_location_the_fixtures_do_not_list_gets_the_default_profiles(client: TestClient) -> None:
    account_id = granted(client, "fresh-location")
    response = client.get(accounts_path("fresh-location", account_id), headers=headers(mint("fresh-location")))
    assert [p["username"] for p in response.json()["results"]["profile"]] == ["demo_business"]


def test_account_ids_look_like_highlevel_ids_and_are_unique(client: TestClient) -> None:
    ids = {granted(client) for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in ids)


NOT_FOUND = (400, {"statusCode": 400, "message": "OAuth account not found"})


def test_unknown_account_id(client: TestClient) -> None:
    response = client.get(accounts_path(DEMO_LOCATION, "658a9b6833b91e0ecb8f3958"), headers=headers())
    assert (response.status_code, response.json()) == NOT_FOUND
    assert response.headers["x-ghl-mock-rule"] == "account_not_found"


def test_account_granted_for_another_location(client: TestClient) -> None:
    account_id = granted(client, OTHER_LOCATION)
    response = client.get(accounts_path(DEMO_LOCATION, account_id), headers=headers(PIT_FULL))
    assert (response.status_code, response.json()) == NOT_FOUND
    assert "another location" in response.headers["x-ghl-mock-reason"]


def test_cancel_creates_no_grant(client: TestClient) -> None:
    message = finish_message(client, start_flow(client), "cancel")
    assert "accountId" not in message["payload"]


@pytest.mark.parametrize(
    ("hdrs", "status", "message"),
    [
        ({"Authorization": f"Bearer {PIT_FULL}"}, 401, "version header was not found."),
        (headers(version="2020-01-01"), 401, "version header is invalid"),
        (headers(version="nope"), 400, "Invalid API version segment 'nope' at position 0"),
        (headers(token=None), 401, "Invalid JWT"),
        (headers(token=mint(expires_in=-1)), 401, "Invalid JWT"),
        (headers(token="pit-unknown"), 401, "Invalid Private Integration token"),
        (headers(token=PIT_AGENCY), 401, "Token's user type mismatch!"),
        (headers(token=PIT_NO_SCOPE), 401, "The token is not authorized for this scope."),
        (headers(token=PIT_OTHER_LOCATION), 401, "This location is not accessible from this token!"),
    ],
)
def test_the_same_checks_as_start(client: TestClient, hdrs: dict[str, str], status: int, message: str) -> None:
    account_id = granted(client)
    response = client.get(accounts_path(DEMO_LOCATION, account_id), headers=hdrs)
    assert (response.status_code, response.json()) == (status, {"statusCode": status, "message": message})


def test_query_parameters_are_not_allowed(client: TestClient) -> None:
    account_id = granted(client)
    response = client.get(accounts_path(DEMO_LOCATION, account_id) + "?search=x", headers=headers())
    assert response.status_code == 422
    assert response.json()["message"] == ["property search should not exist"]


def test_the_docs_prose_path_is_a_404_with_a_hint(client: TestClient) -> None:
    account_id = granted(client)
    response = client.get(f"/social-media-posting/oauth/tiktok-business/accounts/{account_id}", headers=headers())
    assert response.status_code == 404
    assert response.json() == {
        "statusCode": 404,
        "message": f"Cannot GET /social-media-posting/oauth/tiktok-business/accounts/{account_id}",
        "error": "Not Found",
    }
    assert response.headers["x-ghl-mock-hint"] == (
        f"the docs' path is wrong; use /social-media-posting/oauth/{{locationId}}/tiktok-business/accounts/{account_id}"
    )


def test_state_reset_forgets_grants() -> None:
    app = create_app(Settings())
    with contract_client(app) as client:
        account_id = granted(client)
        app.state.ctx.state.reset()
        response = client.get(accounts_path(DEMO_LOCATION, account_id), headers=headers())
        assert response.status_code == 400

"""Every v1 platform through the operations table, in-process, every response contract-checked:
start → consent → finish → get-accounts → attach → list → delete, and each new check's errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.operations import OPERATIONS, operation, path_of
from ghl_mock.platforms import PLATFORMS
from ghl_mock.settings import Settings
from tests.conftest import (
    DEMO_LOCATION,
    OTHER_LOCATION,
    contract_client,
    finish_message,
    headers,
    mint,
    scenario_client,
    start_flow,
)

#: The v1 platforms HighLevel still supports (tests/test_v3.py covers the v3 rows).
LIVE = [slug for slug, platform in PLATFORMS.items() if not platform.retired and platform.has("start")]
ATTACHABLE = [slug for slug in LIVE if PLATFORMS[slug].has("attach")]
LIST = f"/social-media-posting/{DEMO_LOCATION}/accounts"


def grant(client: TestClient, platform: str, location: str = DEMO_LOCATION, **extra: str) -> str:
    message = finish_message(client, start_flow(client, location, platform=platform, **extra), "approve")
    account_id: str = message["payload"]["accountId"]
    return account_id


def accounts_path(platform: str, account_id: str, location: str = DEMO_LOCATION) -> str:
    return path_of(operation(platform, "accounts"), locationId=location, accountId=account_id)


def first_body(platform: str, results: dict[str, Any]) -> dict[str, Any]:
    """What a client attaches: the first item the get-accounts answer offered."""
    if platform == "google":
        return {"location": results["locations"]["location"], "account": results["locations"]["account"]}
    items = next(value for value in results.values() if value)
    return {"originId": items[0]["id"], "name": items[0]["name"], "avatar": items[0]["avatar"]}


def listed(client: TestClient, location: str = DEMO_LOCATION) -> list[dict[str, Any]]:
    response = client.get(f"/social-media-posting/{location}/accounts", headers=headers(mint(location)))
    assert response.status_code == 200, response.text
    accounts: list[dict[str, Any]] = response.json()["results"]["accounts"]
    return accounts


# --- the whole lifecycle -----------------------------------------------------------------


@pytest.mark.parametrize("platform", LIVE)
def test_every_platform_connects_attaches_lists_and_deletes(client: TestClient, platform: str) -> None:
    assert listed(client) == []  # nothing connected yet: an empty list, not an error
    account_id = grant(client, platform)
    assert len(account_id) == 24 and int(account_id, 16) >= 0
    got = client.get(accounts_path(platform, account_id), headers=headers())
    assert got.status_code == 200
    assert got.json()["message"] == PLATFORMS[platform].accounts_message
    results = got.json()["results"]
    if PLATFORMS[platform].has("attach"):
        body = first_body(platform, results)
        attached = client.post(accounts_path(platform, account_id), json=body, headers=headers())
        assert attached.status_code == 201, attached.text
        record = attached.json()["results"]
        assert attached.json()["message"] == PLATFORMS[platform].attach_message
        assert (record["oAuthId"], record["locationId"], record["platform"]) == (account_id, DEMO_LOCATION, platform)
        assert len(record["_id"]) == 24 and record["active"] is True and record["deleted"] is False
        again = client.get(accounts_path(platform, account_id), headers=headers()).json()["results"]
        assert json.dumps(again).count('"isConnected": true') + json.dumps(again).count('"isConnected":true') >= 1
    accounts = listed(client)
    assert accounts and all(a["oauthId"] == account_id and a["platform"] == platform for a in accounts)
    for account in accounts:
        assert set(account) >= {"id", "oauthId", "profileId", "name", "platform", "type", "expire", "isExpired"}
        assert account["isExpired"] is False and account["deleted"] is False
    gone = accounts[0]["id"]
    deleted = client.delete(f"{LIST}/{gone}", params={"userId": "demo-user"}, headers=headers())
    assert deleted.status_code == 200
    assert deleted.json() == {
        "success": True,
        "statusCode": 200,
        "message": "Deleted Account",
        "results": {"locationId": DEMO_LOCATION, "id": gone},
    }
    assert gone not in [a["id"] for a in listed(client)]
    again_deleted = client.delete(f"{LIST}/{gone}", headers=headers())
    assert (again_deleted.status_code, again_deleted.json()["message"]) == (400, "Account not found")


def test_each_platform_answers_in_its_own_dto(client: TestClient) -> None:
    keys = {
        slug: set(client.get(accounts_path(slug, grant(client, slug)), headers=headers()).json()["results"])
        for slug in LIVE
    }
    assert keys == {
        "google": {"locations"},
        "facebook": {"pages"},
        "instagram": {"accounts"},
        "linkedin": {"pages", "profile"},
        "tiktok": {"profile"},
        "tiktok-business": {"profile"},
    }
    google = client.get(accounts_path("google", grant(client, "google")), headers=headers()).json()["results"]
    assert set(google["locations"]) == {"location", "account"}  # one object, as the spec says, not a list


def test_the_postmessage_names_the_start_slug(client: TestClient) -> None:
    for slug in LIVE:
        payload = finish_message(client, start_flow(client, platform=slug), "approve")["payload"]
        assert (payload["platform"], payload["page"], payload["actionType"]) == (slug, "social_media_posting", "close")


def test_tiktok_business_appears_in_the_list_once_approved(client: TestClient) -> None:
    account_id = grant(client, "tiktok-business")
    accounts = listed(client)
    assert {a["profileId"] for a in accounts} == {"ttb-bakery-0001", "ttb-bakery-0002"}
    assert {a["oauthId"] for a in accounts} == {account_id}
    cancelled = finish_message(client, start_flow(client, platform="facebook"), "cancel")["payload"]
    assert "accountId" not in cancelled and len(listed(client)) == 2  # a cancel connects nothing


def test_a_reconnect_reports_the_connected_accounts_of_that_platform(client: TestClient) -> None:
    grant(client, "tiktok-business")
    first = {a["id"] for a in listed(client)}
    message = finish_message(client, start_flow(client, platform="tiktok-business", reconnect="true"), "approve")
    seeded = ["658a9b6833b91e0ecb834acd", "658a9b6833b91e0ecb8f3511"]  # fixtures' connectedAccounts
    assert message["payload"]["reconnectAccounts"][:2] == seeded
    assert set(message["payload"]["reconnectAccounts"][2:]) == first
    assert {a["id"] for a in listed(client)} == first  # the same accounts, reconnected: no duplicates
    facebook = finish_message(client, start_flow(client, platform="facebook", reconnect="true"), "approve")
    assert facebook["payload"]["reconnectAccounts"] == []  # other platform: none of tiktok-business's


def test_attaching_the_same_page_twice_updates_it(client: TestClient) -> None:
    account_id = grant(client, "facebook")
    body = {"originId": "fb-bakery-0001", "name": "Demo Bakery", "avatar": "a"}
    first = client.post(accounts_path("facebook", account_id), json=body, headers=headers()).json()["results"]
    second = client.post(accounts_path("facebook", account_id), json={**body, "name": "Renamed"}, headers=headers())
    assert second.status_code == 201 and second.json()["results"]["_id"] == first["_id"]
    assert [a["name"] for a in listed(client)] == ["Renamed"]


def test_facebook_clients_may_send_platform_and_instagram_needs_no_page_id(client: TestClient) -> None:
    facebook = grant(client, "facebook")
    body = {"originId": "fb-bakery-0001", "platform": "facebook", "type": "page", "name": "n", "avatar": "a"}
    assert client.post(accounts_path("facebook", facebook), json=body, headers=headers()).status_code == 201
    instagram = grant(client, "instagram")
    ig = {"originId": "ig-bakery-0001", "name": "demo.bakery", "avatar": "a"}
    assert client.post(accounts_path("instagram", instagram), json=ig, headers=headers()).status_code == 201


def test_instagram_start_accepts_login_type(client: TestClient) -> None:
    start = client.get(
        "/social-media-posting/oauth/instagram/start",
        params={"locationId": DEMO_LOCATION, "userId": "u", "loginType": "instagram"},
        headers=headers(),
    )
    assert start.status_code == 302
    other = client.get(
        "/social-media-posting/oauth/facebook/start",
        params={"locationId": DEMO_LOCATION, "userId": "u", "loginType": "instagram"},
        headers=headers(),
    )
    assert other.json()["message"] == ["property loginType should not exist"]


def test_list_accepts_fetch_all_and_refuses_other_query(client: TestClient) -> None:
    assert client.get(LIST, params={"fetchAll": "true"}, headers=headers()).status_code == 200
    refused = client.get(LIST, params={"search": "x"}, headers=headers())
    assert (refused.status_code, refused.json()["message"]) == (422, ["property search should not exist"])


# --- attach: the body, the NestJS way ----------------------------------------------------


@pytest.fixture
def attach_path(client: TestClient) -> str:
    return accounts_path("facebook", grant(client, "facebook"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"originId": "x",', "Unexpected end of JSON input"),
        (b'{"originId": x}', "Unexpected token x in JSON at position 13"),
        (b"42", "Unexpected token 4 in JSON at position 0"),
        (b'  "text"', 'Unexpected token " in JSON at position 2'),
    ],
)
def test_malformed_json_is_a_400_with_v8_wording(
    client: TestClient, attach_path: str, content: bytes, message: str
) -> None:
    response = client.post(attach_path, content=content, headers={**headers(), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"statusCode": 400, "message": message, "error": "Bad Request"}
    assert response.headers["x-ghl-mock-rule"] == "body_malformed"


def test_malformed_json_is_refused_before_the_token_is_checked(client: TestClient, attach_path: str) -> None:
    response = client.post(
        attach_path, content=b"{", headers={"Version": "2021-07-28", "Content-Type": "application/json"}
    )
    assert response.status_code == 400  # body-parser runs before NestJS's guards


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ({}, ["originId should not be empty", "originId must be a string"]),
        ({"originId": ""}, ["originId should not be empty"]),
        ({"originId": 5, "name": ["x"]}, ["originId must be a string", "name must be a string"]),
        ({"originId": "fb-bakery-0001", "pageId": "p"}, ["property pageId should not exist"]),
        ([1, 2], ["originId should not be empty", "originId must be a string"]),
    ],
)
def test_wrong_fields_get_class_validator_messages(
    client: TestClient, attach_path: str, body: object, messages: list[str]
) -> None:
    response = client.post(attach_path, json=body, headers=headers())
    assert response.status_code == 422
    assert response.json() == {"statusCode": 422, "message": messages, "error": "Unprocessable Entity"}


def test_typed_fields_of_other_platforms(client: TestClient) -> None:
    tiktok = accounts_path("tiktok", grant(client, "tiktok"))
    bad = client.post(tiktok, json={"originId": "tt-bakery-0001", "type": "reel", "verified": "yes"}, headers=headers())
    assert bad.json()["message"] == [
        "type must be one of the following values: page, group, profile, location, business",
        "verified must be a boolean value",
    ]
    google = accounts_path("google", grant(client, "google"))
    assert client.post(google, json={"location": "x"}, headers=headers()).json()["message"] == [
        "location must be an object",
        "account should not be empty",
        "account must be an object",
    ]


def test_a_body_without_json_content_type_is_an_empty_body(client: TestClient, attach_path: str) -> None:
    response = client.post(attach_path, content=b"originId=x", headers={**headers(), "Content-Type": "text/plain"})
    assert response.json()["message"] == ["originId should not be empty", "originId must be a string"]


def test_a_body_over_100_kb_is_413(client: TestClient, attach_path: str) -> None:
    big = json.dumps({"originId": "fb-bakery-0001", "name": "x" * 110_000})
    response = client.post(attach_path, content=big, headers={**headers(), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"statusCode": 413, "message": "request entity too large", "error": "Payload Too Large"}


def test_attaching_an_item_the_grant_does_not_offer_is_a_400(client: TestClient, attach_path: str) -> None:
    response = client.post(attach_path, json={"originId": "someone-elses-page"}, headers=headers())
    assert response.status_code == 400
    assert response.json()["message"] == "Page or profile not found for this OAuth account"


def test_attach_needs_the_write_scope_and_the_location(client: TestClient, attach_path: str) -> None:
    body = {"originId": "fb-bakery-0001"}
    readonly = mint(scopes=["socialplanner/oauth.readonly"])
    response = client.post(attach_path, json=body, headers=headers(readonly))
    assert (response.status_code, response.json()["message"]) == (401, "The token is not authorized for this scope.")
    other = client.post(attach_path, json=body, headers=headers(mint(OTHER_LOCATION)))
    assert other.json()["message"] == "This location is not accessible from this token!"


def test_a_grant_of_another_platform_or_location_is_not_found(client: TestClient) -> None:
    facebook = grant(client, "facebook")
    wrong_platform = client.get(accounts_path("instagram", facebook), headers=headers())
    assert (wrong_platform.status_code, wrong_platform.json()["message"]) == (400, "OAuth account not found")
    elsewhere = grant(client, "facebook", OTHER_LOCATION)
    foreign = client.get(accounts_path("facebook", elsewhere), headers=headers())
    assert foreign.status_code == 400


def test_list_and_delete_check_scope_and_location(client: TestClient) -> None:
    grant(client, "tiktok-business")
    account = listed(client)[0]["id"]
    readonly = headers(mint(scopes=["socialplanner/account.readonly"]))
    refused = client.delete(f"{LIST}/{account}", headers=readonly)
    assert (refused.status_code, refused.json()["message"]) == (401, "The token is not authorized for this scope.")
    other = client.get(LIST, headers=headers(mint(OTHER_LOCATION)))
    assert other.json()["message"] == "This location is not accessible from this token!"
    # another location's account cannot be deleted through this location
    elsewhere = f"/social-media-posting/{OTHER_LOCATION}/accounts/{account}"
    assert client.delete(elsewhere, headers=headers(mint(OTHER_LOCATION))).status_code == 400
    assert account in [a["id"] for a in listed(client)]


# --- twitter: retired ----------------------------------------------------------------------


def test_twitter_answers_its_retirement_after_the_usual_checks(client: TestClient) -> None:
    start = client.get(
        "/social-media-posting/oauth/twitter/start",
        params={"locationId": DEMO_LOCATION, "userId": "u"},
        headers=headers(),
    )
    assert (start.status_code, start.json()) == (
        400,
        {"statusCode": 400, "message": "As of December 4, 2024, X (formerly Twitter) is no longer supported"},
    )
    assert start.headers["x-ghl-mock-rule"] == "platform_retired"
    unauthorized = client.get("/social-media-posting/oauth/twitter/start", params={"locationId": DEMO_LOCATION})
    assert unauthorized.status_code == 401  # Version first, as everywhere


def test_twitter_in_legacy_mode_serves_the_old_flow() -> None:
    with contract_client(create_app(Settings(legacy_platforms=["twitter"]))) as client:
        account_id = grant(client, "twitter")
        got = client.get(accounts_path("twitter", account_id), headers=headers()).json()["results"]
        assert got["profile"][0]["username"] == "demobakery"
        body = first_body("twitter", got)
        assert client.post(accounts_path("twitter", account_id), json=body, headers=headers()).status_code == 201


def test_only_retired_platforms_can_be_served_as_legacy() -> None:
    with pytest.raises(ValueError, match="'facebook' is not a retired platform"):
        Settings(legacy_platforms=["facebook"])


# --- scenarios on every operation --------------------------------------------------------


def test_scenarios_target_post_and_delete_by_kind_and_platform(tmp_path: Path) -> None:
    files = {
        "s": "description: s\nsteps:\n"
        "  - match: {endpoint: attach, platform: instagram}\n    error: {rule: origin_not_found}\n"
        "  - match: {endpoint: delete}\n    gateway: 503\n"
    }
    with scenario_client(tmp_path, files, scenarios=["s"]) as client:
        facebook = grant(client, "facebook")
        instagram = grant(client, "instagram")
        ok = client.post(accounts_path("facebook", facebook), json={"originId": "fb-bakery-0001"}, headers=headers())
        assert ok.status_code == 201 and "x-ghl-mock-step" not in ok.headers  # facebook: not the step's
        scripted = client.post(
            accounts_path("instagram", instagram), json={"originId": "ig-bakery-0001"}, headers=headers()
        )
        assert (scripted.status_code, scripted.headers["x-ghl-mock-step"]) == (400, "s/1")
        retried = client.post(
            accounts_path("instagram", instagram), json={"originId": "ig-bakery-0001"}, headers=headers()
        )
        assert retried.status_code == 201
        account = listed(client)[0]["id"]
        failed = client.delete(f"{LIST}/{account}", headers=headers())
        assert (failed.status_code, failed.headers["x-ghl-mock-step"]) == (503, "s/2")
        assert client.delete(f"{LIST}/{account}", headers=headers()).status_code == 200


def test_the_library_expired_account_scenario_marks_the_list(client: TestClient) -> None:
    grant(client, "tiktok-business")
    response = client.get(LIST, headers={**headers(), "X-Mock-Scenario": "expired-account"})
    accounts = response.json()["results"]["accounts"]
    assert accounts and all(a["isExpired"] for a in accounts)
    assert response.headers["x-ghl-mock-step"] == "expired-account/1"
    assert not any(a["isExpired"] for a in listed(client))  # only that request


def version_of(op: Any) -> str:
    return "v3" if op.api == "v3" else "2021-07-28"


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.kind != "start"], ids=lambda op: op.key)
def test_prefer_forces_each_documented_status(client: TestClient, op: Any) -> None:
    path = path_of(op, locationId=DEMO_LOCATION, accountId="a" * 24, id="x")
    for code in ("400", "401", "422"):
        prefer = {**headers(version=version_of(op)), "Prefer": f"code={code}"}
        response = client.request(op.method, path, headers=prefer, json={})
        assert response.status_code == int(code), (op.operation_id, code, response.text)
        assert response.headers["x-ghl-mock-step"] == "prefer/1"


def test_the_journal_reads_rule_and_step_from_the_pipeline(client: TestClient, attach_path: str) -> None:
    client.post(attach_path, json={}, headers=headers())
    entry = client.get("/__mock/journal", params={"limit": "1"}).json()["entries"][0]
    assert (entry["method"], entry["status"], entry["rule"]) == ("POST", 422, "body_invalid")
    assert "originId should not be empty" in entry["reason"]


# --- never a 5xx -------------------------------------------------------------------------

BODIES = st.one_of(
    st.binary(max_size=300),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
        max_leaves=12,
    ).map(lambda value: json.dumps(value).encode()),
)
MUTATING = [op for op in OPERATIONS if op.method != "GET"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    op=st.sampled_from(MUTATING),
    body=BODIES,
    content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", "", "x/y+json"]),
    segment=st.text(st.characters(codec="ascii", categories=["L", "N", "P"]), min_size=1, max_size=30),
)
def test_no_body_or_path_on_a_mutating_operation_gets_a_5xx(
    client: TestClient, op: Any, body: bytes, content_type: str, segment: str
) -> None:
    segment = quote(segment, safe="")
    path = path_of(op, locationId=DEMO_LOCATION, accountId=segment, id=segment)
    sent = {**headers(version=version_of(op)), "Content-Type": content_type}
    response = client.request(op.method, path, content=body, headers=sent)
    assert response.status_code < 500, (op.operation_id, body, response.text)


def test_the_testing_helper_connects_any_platform_by_the_table() -> None:
    from ghl_mock.testing import GhlMock

    mock = GhlMock.in_process()
    connection = mock.connect(platform="linkedin")
    assert connection.payload["platform"] == "linkedin" and connection.account_id
    path = mock.path("linkedin", "accounts", locationId=DEMO_LOCATION, accountId=connection.account_id)
    assert path == f"/social-media-posting/oauth/{DEMO_LOCATION}/linkedin/accounts/{connection.account_id}"
    assert mock.client.get(path, headers=mock.headers()).status_code == 200
    assert mock.path(None, "list", locationId="L") == "/social-media-posting/L/accounts"
    mock.close()


# --- review findings: bodies that once made a 5xx or a wrong record ------------------------


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b'{"originId": "fb-bakery-0001", "name": "\\ud800"}', 201),  # a lone surrogate: valid JSON
        (b'{"originId": "fb-bakery-0001", "name": "n", "avatar": NaN}', 400),  # NaN: not JSON
        (b'{"originId": "fb-bakery-0001", "name": 1' + b"0" * 5000 + b"}", 422),  # a 5001-digit number
        (b'\xef\xbb\xbf{"originId": "fb-bakery-0001"}', 201),  # a UTF-8 BOM, which body-parser strips
    ],
)
def test_odd_json_never_breaks_the_attach_or_the_list(
    client: TestClient, attach_path: str, content: bytes, status: int
) -> None:
    response = client.post(attach_path, content=content, headers={**headers(), "Content-Type": "application/json"})
    assert response.status_code == status, response.text
    assert client.get(LIST, headers=headers()).status_code == 200


def test_an_oversized_non_json_body_is_not_read(client: TestClient, attach_path: str) -> None:
    response = client.post(attach_path, content=b"x" * 200_000, headers={**headers(), "Content-Type": "text/plain"})
    assert response.status_code == 422  # body-parser leaves it alone: an empty body, not a 413


def test_stored_records_are_bounded(client: TestClient) -> None:
    google = accounts_path("google", grant(client, "google"))
    results = client.get(google, headers=headers()).json()["results"]["locations"]
    big = {**results["location"], "storefrontAddress": {"lines": ["x" * 50_000]}, "title": "t" * 50_000}
    assert (
        client.post(google, json={"location": big, "account": results["account"]}, headers=headers()).status_code == 201
    )
    account = listed(client)[0]
    assert len(account["name"]) <= 1024 and len(json.dumps(account["meta"])) <= 4096


def test_a_linkedin_page_attached_without_type_is_a_page(client: TestClient) -> None:
    linkedin = accounts_path("linkedin", grant(client, "linkedin"))
    created = client.post(linkedin, json={"originId": "li-bakery-page-0001"}, headers=headers())
    assert created.json()["results"]["type"] == "page"
    profile = client.post(linkedin, json={"originId": "li-dana-0001"}, headers=headers())
    assert profile.json()["results"]["type"] == "profile"


def test_a_deleted_tiktok_business_profile_is_no_longer_connected(client: TestClient) -> None:
    account_id = grant(client, "tiktok-business")
    first = listed(client)[0]
    client.delete(f"{LIST}/{first['id']}", headers=headers())
    profiles = client.get(accounts_path("tiktok-business", account_id), headers=headers()).json()["results"]["profile"]
    assert {p["id"]: p["isConnected"] for p in profiles}[first["profileId"]] is False


def test_prefer_422_on_google_attach_names_its_object_fields(client: TestClient) -> None:
    google = accounts_path("google", grant(client, "google"))
    response = client.post(google, json={}, headers={**headers(), "Prefer": "code=422"})
    assert response.json()["message"] == [
        "location should not be empty",
        "location must be an object",
        "account should not be empty",
        "account must be an object",
    ]


def test_platform_cannot_narrow_list_or_delete_steps() -> None:
    from ghl_mock.scenarios.model import Step

    with pytest.raises(ValueError, match="list and delete serve every platform"):
        Step.model_validate({"match": {"endpoint": "list", "platform": "facebook"}, "expire_accounts": True})

"""HighLevel's v3 generic routes in-process, every response contract-checked against the v3 spec:
each platform's flow, ``search``, which Version serves which path form, the v3 attach DTOs, bluesky."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.platforms import PLATFORMS
from ghl_mock.settings import Settings
from ghl_mock.versions import FORMS, GENERATIONS, choose
from tests.conftest import DEMO_LOCATION, contract_client, finish_message, headers, start_flow, v3_body

V3 = headers(version="v3")
V1 = headers(version="2021-07-28")
#: The v3 platforms HighLevel supports (bluesky: its 400, below).
SUPPORTED = [slug for slug, p in PLATFORMS.items() if p.v3 is not None and not p.v3.unsupported]
LIST = f"/social-media-posting/{DEMO_LOCATION}/accounts"


def grant(client: TestClient, platform: str, version: str = "v3") -> str:
    account_id: str = finish_message(client, start_flow(client, platform=platform, version=version), "approve")[
        "payload"
    ]["accountId"]
    return account_id


def accounts(platform: str, account_id: str, segment: str = "accounts") -> str:
    return f"/social-media-posting/oauth/{DEMO_LOCATION}/{platform}/{segment}/{account_id}"


def offered(platform: str, results: dict[str, Any]) -> list[dict[str, Any]]:
    if platform == "google":
        return [results["locations"]] if results["locations"] else []
    return [item for value in results.values() for item in value]


#: Where each platform's v3 get-accounts answer puts its items (the DTO's form; deviations: v3-forms).
RESULT_KEYS = {
    "google": {"locations"},
    "facebook": {"pages"},
    "instagram": {"accounts"},
    "linkedin": {"pages", "profile"},
    "tiktok": {"profile"},
    "tiktok-business": {"profile"},
    "youtube": {"profile"},
    "pinterest": {"profile"},
    "threads": {"profile"},
}


@pytest.mark.parametrize("platform", SUPPORTED)
def test_each_v3_platform_connects_attaches_lists_and_deletes(client: TestClient, platform: str) -> None:
    account_id = grant(client, platform)
    got = client.get(accounts(platform, account_id), headers=V3)
    assert got.status_code == 200, got.text
    assert got.json()["message"] == PLATFORMS[platform].form("v3").accounts_message
    results = got.json()["results"]
    assert set(results) == RESULT_KEYS[platform]
    items = offered(platform, results)
    assert items
    if platform == "tiktok-business":  # no attach anywhere: the approved consent connected it
        refused = client.post(accounts(platform, account_id), json={"originId": items[0]["id"]}, headers=V3)
        assert refused.status_code == 404  # not in attach-oauth-accounts' enum: no such route
    else:
        attached = client.post(accounts(platform, account_id), json=v3_body(platform, items[0]), headers=V3)
        assert attached.status_code == 201, attached.text
        answer = attached.json()
        assert (answer["message"], answer["platform"]) == (PLATFORMS[platform].form("v3").attach_message, platform)
        assert (answer["results"]["oAuthId"], answer["results"]["platform"]) == (account_id, platform)
    listed = client.get(LIST, headers=V3).json()["results"]["accounts"]
    assert listed and {a["platform"] for a in listed} == {platform}
    assert all(a["oauthId"] == account_id for a in listed)
    deleted = client.delete(f"{LIST}/{listed[0]['id']}", headers=V3)
    assert deleted.status_code == 200 and deleted.json()["results"]["id"] == listed[0]["id"]
    assert listed[0]["id"] not in [a["id"] for a in client.get(LIST, headers=V3).json()["results"]["accounts"]]


@pytest.mark.parametrize(
    ("platform", "term", "names"),
    [
        ("facebook", "catering", ["Demo Bakery Catering"]),
        ("facebook", "DEMO BAKERY", ["Demo Bakery", "Demo Bakery Catering"]),
        ("youtube", "recipes", ["Demo Bakery Recipes"]),
        ("tiktok-business", "cakes", ["Demo Bakery Cakes"]),
        ("linkedin", "no such page", []),
        ("google", "main street", ["Demo Bakery Main Street"]),
        ("google", "nothing", []),
    ],
)
def test_search_filters_the_offered_items_by_name(
    client: TestClient, platform: str, term: str, names: list[str]
) -> None:
    account_id = grant(client, platform)
    everything = offered(platform, client.get(accounts(platform, account_id), headers=V3).json()["results"])
    response = client.get(accounts(platform, account_id), params={"search": term}, headers=V3)
    assert response.status_code == 200
    results = response.json()["results"]
    assert set(results) == RESULT_KEYS[platform]  # nothing matched: the same keys, empty
    found = offered(platform, results)
    assert [i["location"]["title"] if platform == "google" else i["name"] for i in found] == names
    assert len(found) < len(everything) or names  # the term did filter
    if not names:
        assert results == ({"locations": {}} if platform == "google" else {k: [] for k in RESULT_KEYS[platform]})
    empty = client.get(accounts(platform, account_id), params={"search": ""}, headers=V3).json()["results"]
    assert offered(platform, empty) == everything  # an empty term keeps everything


def test_search_is_v3_only(client: TestClient) -> None:
    account_id = grant(client, "facebook", "2021-07-28")
    response = client.get(accounts("facebook", account_id), params={"search": "x"}, headers=V1)
    assert response.status_code == 422
    assert response.json()["message"] == ["property search should not exist"]


@pytest.mark.parametrize("platform", ["youtube", "pinterest", "threads", "bluesky"])
def test_v3_only_platforms_are_a_nestjs_404_under_a_date_version(client: TestClient, platform: str) -> None:
    for version in ("2021-07-28", "2023-02-21"):
        response = client.get(
            f"/social-media-posting/oauth/{platform}/start",
            params={"locationId": DEMO_LOCATION, "userId": "demo-user"},
            headers=headers(version=version),
        )
        assert response.status_code == 404
        assert response.json()["message"].startswith(f"Cannot GET /social-media-posting/oauth/{platform}/start?")
        assert "Version: v3" in response.headers["x-ghl-mock-hint"]
    missing = client.get(f"/social-media-posting/oauth/{platform}/start", headers=headers(version=None))
    assert (missing.status_code, missing.json()["message"]) == (401, "version header was not found.")


def test_google_keeps_both_path_forms_under_v3(client: TestClient) -> None:
    account_id = grant(client, "google", "v3")
    generic = client.get(accounts("google", account_id), headers=V3)
    old = client.get(accounts("google", account_id, "locations"), headers=V3)  # v1's form, still served
    assert generic.status_code == old.status_code == 200
    assert generic.json() == old.json()
    under_v1 = client.get(accounts("google", account_id), headers=V1)
    assert under_v1.status_code == 404  # the generic form is v3's only


def test_twitter_is_served_as_v1_under_v3(client: TestClient) -> None:
    response = client.get(
        "/social-media-posting/oauth/twitter/start",
        params={"locationId": DEMO_LOCATION, "userId": "demo-user"},
        headers=V3,
    )
    assert response.status_code == 400
    assert "no longer supported" in response.json()["message"]


def test_v3_attach_bodies_follow_the_v3_dtos(client: TestClient) -> None:
    account_id = grant(client, "facebook", "v3")
    item = client.get(accounts("facebook", account_id), headers=V3).json()["results"]["pages"][0]
    v1_style = {"originId": item["id"], "name": item["name"]}
    refused = client.post(accounts("facebook", account_id), json=v1_style, headers=V3)
    assert refused.status_code == 422
    assert refused.json()["message"] == [
        "type should not be empty",
        "type must be one of the following values: page",
        "avatar should not be empty",
        "avatar must be a string",
    ]
    wrong_type = client.post(
        accounts("facebook", account_id), json={**v3_body("facebook", item), "type": "group"}, headers=V3
    )
    assert wrong_type.json()["message"] == ["type must be one of the following values: page"]
    under_v1 = client.post(accounts("facebook", grant(client, "facebook", "2021-07-28")), json=v1_style, headers=V1)
    assert under_v1.status_code == 201 and "platform" not in under_v1.json()  # v1's DTO, v1's answer


def test_pinterest_pinner_profiles_attach_as_profile(client: TestClient) -> None:
    account_id = grant(client, "pinterest")
    item = client.get(accounts("pinterest", account_id), headers=V3).json()["results"]["profile"][0]
    assert (item["type"], item["websiteUrl"]) == ("PINNER", "https://example.invalid/bakery")
    pinner = client.post(accounts("pinterest", account_id), json={"originId": item["id"], "type": "PINNER"}, headers=V3)
    assert (pinner.status_code, pinner.json()["message"]) == (
        422,
        ["type must be one of the following values: profile"],
    )
    attached = client.post(accounts("pinterest", account_id), json={"originId": item["id"]}, headers=V3)
    assert attached.status_code == 201, attached.text
    assert (attached.json()["results"]["type"], attached.json()["results"]["name"]) == ("profile", "Demo Bakery")
    assert client.get(LIST, headers=V3).json()["results"]["accounts"][0]["type"] == "profile"


def test_threads_requires_what_its_dto_requires(client: TestClient) -> None:
    account_id = grant(client, "threads")
    response = client.post(accounts("threads", account_id), json={"originId": "th-bakery-0001"}, headers=V3)
    assert response.status_code == 422
    assert response.json()["message"][:2] == [
        "type should not be empty",
        "type must be one of the following values: profile",
    ]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_bluesky_answers_the_documented_400_after_the_usual_checks(client: TestClient, method: str) -> None:
    path = (
        "/social-media-posting/oauth/bluesky/start?locationId=demo-location&userId=demo-user"
        if method == "GET"
        else accounts("bluesky", "a" * 24)
    )
    for extra in ({}, {"search": "x"}) if method == "GET" else ({},):
        response = client.request(method, path, headers=V3, json={"anything": 1} if method == "POST" else None)
        assert response.status_code == 400, (extra, response.text)
        assert response.json() == {"statusCode": 400, "message": "Bluesky is currently not supported"}
        assert response.headers["x-ghl-mock-rule"] == "platform_unsupported"
    no_token = client.request(method, path, headers=headers(token=None, version="v3"))
    assert no_token.status_code == 401  # the token check comes first
    other = client.request(method, path.replace("demo-location", "demo-location-2"), headers=V3)
    assert other.status_code == 401  # so does the location check
    get = client.get(accounts("bluesky", "a" * 24), headers=V3)
    assert get.json()["message"] == "Bluesky is currently not supported"


def test_strict_version_accepts_each_specs_own_value() -> None:
    with contract_client(create_app(Settings(strict_version=True))) as client:
        query = {"locationId": DEMO_LOCATION, "userId": "demo-user"}
        v3 = client.get("/social-media-posting/oauth/youtube/start", params=query, headers=V3)
        assert v3.status_code == 302
        old = client.get(
            "/social-media-posting/oauth/facebook/start", params=query, headers=headers(version="2023-02-21")
        )
        assert (old.status_code, old.json()["message"]) == (401, "version header is invalid")
        google = client.get(accounts("google", "a" * 24, "locations"), headers=V3)
        assert (google.status_code, google.json()["message"]) == (401, "version header is invalid")  # v1's enum


def test_the_version_table_covers_every_case() -> None:
    rows = [frozenset({"v1"}), frozenset({"v3"}), frozenset({"v1", "v3"})]
    assert set(FORMS) == {(api, r) for api in ("v1", "v3") for r in rows}
    assert set(GENERATIONS.values()) == {"v1", "v3"}
    assert choose("v3", frozenset({"v1"})) == "v1"
    assert choose("2021-07-28", frozenset({"v3"})) is None
    assert choose(None, frozenset({"v3"})) == "v3" and choose("bogus", frozenset({"v1", "v3"})) == "v1"
    assert choose(" v3 ", frozenset({"v1", "v3"})) == "v3"  # the check strips, so does the choice


def test_the_testing_helper_names_a_platform_the_version_lacks() -> None:
    from ghl_mock.testing import GhlMock, GhlMockError

    mock = GhlMock.in_process()
    with pytest.raises(GhlMockError, match="'youtube' has no start operation under Version 2021-07-28"):
        mock.connect(platform="youtube", version="2021-07-28")
    assert mock.connect(platform="youtube").payload["platform"] == "youtube"  # v3 by default for it
    mock.close()


@pytest.mark.parametrize("version", ["2021-07-28", "v3"])
def test_the_tolerated_platform_key_must_be_a_string(client: TestClient, version: str) -> None:
    account_id = grant(client, "facebook", version)
    item = client.get(accounts("facebook", account_id), headers=headers(version=version)).json()["results"]["pages"][0]
    body = {**v3_body("facebook", item), "platform": {}}
    response = client.post(accounts("facebook", account_id), json=body, headers=headers(version=version))
    assert (response.status_code, response.json()["message"]) == (422, ["platform must be a string"])
    body["platform"] = "facebook"  # what real clients send
    assert client.post(accounts("facebook", account_id), json=body, headers=headers(version=version)).status_code == 201


@pytest.mark.parametrize(("version", "segment"), [("2021-07-28", "locations"), ("v3", "accounts")])
def test_the_docs_path_hint_names_the_form_the_version_has(client: TestClient, version: str, segment: str) -> None:
    response = client.get("/social-media-posting/oauth/google/accounts/abc", headers=headers(version=version))
    assert response.status_code == 404
    assert response.headers["x-ghl-mock-hint"].endswith(f"/oauth/{{locationId}}/google/{segment}/abc")

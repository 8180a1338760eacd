"""Odd inputs found in review: each gets a clear answer, never a 500, a redirect or a crash."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from ghl_mock.cli import main
from tests.conftest import DEMO_LOCATION, PIT_FULL, START, finish_message, headers, start_flow

QUERY = {"locationId": DEMO_LOCATION, "userId": "demo-user"}


@pytest.mark.parametrize("account", ["%E2%98%83", "%E9", "a%0d%0aSet-Cookie:%20x=1", "a%00b"])
def test_docs_path_hint_survives_any_account_id(client: TestClient, account: str) -> None:
    response = client.get(f"/social-media-posting/oauth/tiktok-business/accounts/{account}", headers=headers())
    assert response.status_code == 404
    hint = response.headers["x-ghl-mock-hint"]
    assert "\r" not in hint and "\n" not in hint
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "path",
    [f"{START}/", "/__mock/health/", f"/social-media-posting/oauth/{DEMO_LOCATION}/tiktok-business/accounts/x/"],
)
def test_trailing_slash_is_nestjs_404_not_a_redirect(client: TestClient, path: str) -> None:
    response = client.get(path, params=QUERY, headers=headers())
    assert response.status_code == 404
    assert response.json()["error"] == "Not Found"


def test_head_on_the_finish_page_has_no_side_effects(client: TestClient) -> None:
    consent = start_flow(client)
    head = client.head(consent.replace("/consent?", "/finish?") + "&decision=approve")
    assert head.status_code == 404
    assert "accountId" in finish_message(client, consent, "approve")["payload"]


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (f"Bearer  {PIT_FULL}", "Invalid Private Integration token"),
        ("Bearer  abc.def.ghi", "Invalid JWT"),
    ],
)
def test_stray_whitespace_in_the_token_makes_it_invalid(client: TestClient, authorization: str, message: str) -> None:
    response = client.get(START, params=QUERY, headers={"Version": "2021-07-28", "Authorization": authorization})
    assert (response.status_code, response.json()["message"]) == (401, message)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"GHL_MOCK_CORS_ORIGINS": "http://localhost:5173"}, 'GHL_MOCK_CORS_ORIGINS: expected a JSON list such as ["'),
        ({"GHL_MOCK_SECRET": "short"}, "secret (GHL_MOCK_SECRET):"),
        ({"GHL_MOCK_POST_MESSAGE_ORIGIN": "not a url"}, "post_message_origin (--post-message-origin"),
        ({"GHL_MOCK_POST_MESSAGE_ORIGIN": "http://localhost:5173/path"}, "no path"),
    ],
)
def test_bad_environment_values_exit_2_with_a_reason(env: dict[str, str], says: str) -> None:
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 2
    assert says in result.output
    assert "Traceback" not in result.output


def test_good_post_message_origins_are_accepted() -> None:
    for origin in ("*", "http://localhost:5173", "https://app.example.test:8443"):
        result = CliRunner().invoke(main, ["token", "--location-id", "L"], env={"GHL_MOCK_POST_MESSAGE_ORIGIN": origin})
        assert result.exit_code == 0, result.output


def test_token_refuses_an_empty_id() -> None:
    result = CliRunner().invoke(main, ["token", "--location-id", ""])
    assert result.exit_code == 2
    assert "must not be empty" in result.output


def test_a_404_echoes_the_path_but_never_a_whole_credential(client: TestClient) -> None:
    state = start_flow(client).split("state=")[1]
    response = client.get(f"/__mock/oauth/nope/consent?state={state}&access_token=abcdefghijklmnopqrstuvwxyz")
    assert response.status_code == 404
    message = response.json()["message"]
    assert message.startswith("Cannot GET /__mock/oauth/nope/consent?state=eyJhbG")
    assert state not in message and "abcdefghijklmnopqrstuvwxyz" not in message


def test_journal_entries_are_bounded_in_size(client: TestClient) -> None:
    client.get(START, params={**QUERY, "junk": "x" * 60_000}, headers=headers())
    entry = client.get("/__mock/journal").json()["entries"][0]
    assert len(entry["query"]) <= 2048

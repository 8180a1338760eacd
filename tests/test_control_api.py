"""The control API, the journal and the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.settings import Settings
from tests.conftest import DEMO_LOCATION, PIT_FULL, START, contract_client, headers, scenario_client

QUERY = {"locationId": DEMO_LOCATION, "userId": "demo-user"}
TWO_STEPS = {"s": "description: two steps\nsteps:\n  - {gateway: 502}\n  - {gateway: 503}\n"}


def test_list_scenarios_with_positions(tmp_path: Path) -> None:
    with scenario_client(tmp_path, TWO_STEPS, scenarios=["s"]) as client:
        client.get(START, params=QUERY, headers={**headers(), "X-Mock-Session": "k"})
        listing = client.get("/__mock/scenarios").json()
    assert listing["active"] == ["s"]
    assert listing["scenarios"] == [
        {
            "name": "s",
            "description": "two steps",
            "file": str(tmp_path / "scenarios" / "s.yaml"),
            "runtime": False,
            "steps": 2,
            "whenExhausted": "fall_through",
            "active": True,
        }
    ]
    assert listing["positions"] == [
        {"scenario": "s", "session": "k", "step": 2, "steps": 2, "usedInStep": 0, "exhausted": False}
    ]
    assert listing["errors"] == []


def test_reset_everything_or_one_session(tmp_path: Path) -> None:
    with scenario_client(tmp_path, TWO_STEPS, scenarios=["s"]) as client:

        def status(session: str) -> int:
            code: int = client.get(START, params=QUERY, headers={**headers(), "X-Mock-Session": session}).status_code
            return code

        assert (status("a"), status("b")) == (502, 502)
        assert client.post("/__mock/reset", params={"session": "a"}).json() == {"reset": "session", "session": "a"}
        assert (status("a"), status("b")) == (502, 503)
        assert len(client.get("/__mock/journal").json()["entries"]) == 4
        assert client.post("/__mock/reset").json()["reset"] == "everything"
        assert client.get("/__mock/journal").json()["entries"] == []
        assert (status("a"), status("b")) == (502, 502)


def test_journal_records_why_and_masks_tokens(client: TestClient) -> None:
    client.get(START, params=QUERY, headers=headers(version=None))
    client.get(START, params=QUERY, headers={**headers(), "X-Mock-Session": "t"})
    client.get("/__mock/health")  # the mock's own routes are not recorded
    entries = client.get("/__mock/journal").json()["entries"]
    assert [e["status"] for e in entries] == [302, 401]  # newest first
    newest, oldest = entries
    assert oldest["rule"] == "version_missing" and oldest["reason"] == "no Version header"
    assert newest["session"] == "t" and newest["version"] == "2021-07-28"
    assert newest["authorization"] == "Bearer pit-00…0001"
    assert PIT_FULL not in str(entries)
    assert newest["id"] > oldest["id"] and newest["durationMs"] >= 0
    assert newest["path"] == START and "locationId=demo-location" in newest["query"]


def test_journal_filters_and_verify(client: TestClient) -> None:
    for session in ("a", "a", "b"):
        client.get(START, params=QUERY, headers={**headers(), "X-Mock-Session": session})
    client.get(START, params=QUERY)
    assert len(client.get("/__mock/journal", params={"session": "a"}).json()["entries"]) == 2
    assert len(client.get("/__mock/journal", params={"status": "401"}).json()["entries"]) == 1
    assert len(client.get("/__mock/journal", params={"path": "/start", "limit": "2"}).json()["entries"]) == 2
    assert client.get("/__mock/verify", params={"path": "/start", "status": "302"}).json() == {
        "count": 3,
        "journalSize": 1000,
    }
    assert client.get("/__mock/verify", params={"method": "POST"}).json()["count"] == 0
    bad = client.get("/__mock/journal", params={"status": "ok"})
    assert bad.status_code == 400 and "status must be a number" in bad.json()["message"]


def test_consent_state_is_masked_in_the_journal(client: TestClient) -> None:
    location = client.get(START, params=QUERY, headers=headers()).headers["location"]
    client.get(location)
    state = location.split("state=")[1]
    entries = client.get("/__mock/journal", params={"path": "/consent"}).json()["entries"]
    assert state not in entries[0]["query"] and entries[0]["query"].startswith("state=")


def test_the_journal_is_a_bounded_ring_buffer() -> None:
    with contract_client(create_app(Settings(journal_size=3))) as client:
        for _ in range(5):
            client.get(START, params=QUERY, headers=headers())
        entries = client.get("/__mock/journal").json()["entries"]
    assert [e["id"] for e in entries] == [5, 4, 3]


def test_control_api_refuses_non_loopback_clients() -> None:
    app = create_app(Settings())
    with TestClient(app, client=("192.0.2.10", 40000)) as remote:
        for method, path in [("GET", "/__mock/"), ("GET", "/__mock/journal"), ("POST", "/__mock/reset")]:
            response = remote.request(method, path)
            assert response.status_code == 403, path
            assert "loopback clients only" in response.json()["message"]
        assert remote.get("/__mock/health").status_code == 200  # health is public
    with TestClient(create_app(Settings(allow_remote_control=True)), client=("192.0.2.10", 40000)) as remote:
        assert remote.get("/__mock/journal").status_code == 200
    with TestClient(app, client=("::1", 40000)) as local6:
        assert local6.get("/__mock/journal").status_code == 200


def test_dashboard_shows_scenarios_positions_and_requests(tmp_path: Path) -> None:
    with scenario_client(tmp_path, TWO_STEPS, scenarios=["s"]) as client:
        client.get(START, params=QUERY, headers={**headers(), "X-Mock-Session": "<b>x</b>"})
        page = client.get("/__mock/")
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert "<code>s</code>" in page.text and "two steps" in page.text
    assert "1 of 2" not in page.text and "2 of 2" in page.text
    assert "&lt;b&gt;x&lt;/b&gt;" in page.text and "<b>x</b>" not in page.text
    assert "s/1" in page.text and ">502<" in page.text


def test_dashboard_when_empty(client: TestClient) -> None:
    page = client.get("/__mock/")
    assert "no requests yet" in page.text


def test_step_filters_are_exact(tmp_path: Path) -> None:
    steps = "".join("  - {gateway: 502}\n" for _ in range(11))
    files = {"s": f"description: many\nsteps:\n{steps}", "s2": "description: other\nsteps:\n  - {gateway: 503}\n"}
    with scenario_client(tmp_path, files, scenarios=["s"]) as client:
        for _ in range(11):
            client.get(START, params=QUERY, headers=headers())
        client.get(START, params=QUERY, headers={**headers(), "X-Mock-Scenario": "s2"})
        assert client.get("/__mock/verify", params={"step": "s/1"}).json()["count"] == 1
        assert client.get("/__mock/verify", params={"step": "s"}).json()["count"] == 11
        assert client.get("/__mock/verify", params={"step": "s2"}).json()["count"] == 1


def test_reset_with_an_empty_session_is_refused(client: TestClient) -> None:
    response = client.post("/__mock/reset", params={"session": ""})
    assert response.status_code == 400 and "must not be empty" in response.json()["message"]


def test_ipv4_mapped_loopback_is_loopback() -> None:
    with TestClient(create_app(Settings()), client=("::ffff:127.0.0.1", 40000)) as mapped:
        assert mapped.get("/__mock/journal").status_code == 200
    with TestClient(create_app(Settings()), client=("::ffff:192.0.2.1", 40000)) as outsider:
        assert outsider.get("/__mock/journal").status_code == 403


def test_cross_site_pages_cannot_drive_the_control_api(client: TestClient) -> None:
    for hdrs in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        response = client.post("/__mock/reset", headers=hdrs)
        assert response.status_code == 403
        assert "cross-site" in response.json()["message"]
    assert client.post("/__mock/reset", headers={"Origin": "http://testserver"}).status_code == 200
    assert client.get("/__mock/journal", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


def test_authorization_is_masked_whatever_its_shape(client: TestClient) -> None:
    secret_jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXBhcnQtbG9uZw"
    for value in (f"{secret_jwt} x", secret_jwt, f"Basic {secret_jwt}"):
        client.get(START, params=QUERY, headers={"Version": "2021-07-28", "Authorization": value})
    journal = str(client.get("/__mock/journal").json())
    assert secret_jwt not in journal


def test_a_500_is_journaled_as_500(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ghl_mock import handlers

    app = create_app(Settings())

    async def boom(call: object) -> None:
        raise RuntimeError("boom")

    # A bug in an operation's handler, on the front layer's fast path (not through the router).
    monkeypatch.setitem(handlers.HANDLERS, "start", boom)
    with TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 1)) as client:
        assert client.get(START, params=QUERY, headers=headers()).status_code == 500
        entry = client.get("/__mock/journal").json()["entries"][0]
    assert entry["status"] == 500 and "RuntimeError" in entry["reason"]


def test_long_session_keys_are_refused(client: TestClient) -> None:
    response = client.get(START, params=QUERY, headers={**headers(), "X-Mock-Session": "k" * 201})
    assert response.status_code == 400
    assert response.json()["message"] == "X-Mock-Session must be at most 200 characters"

"""The control API's tools for any language: tokens, a headless connect, accounts, run-time scenarios,
user scenario directories over the library, and the finish page's JSON answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.control_openapi import control_openapi
from ghl_mock.live import LiveServer
from ghl_mock.scenarios.loader import load_directories
from ghl_mock.settings import Settings, default_scenarios_dir
from ghl_mock.testing import GhlMock, GhlMockError
from tests.conftest import DEMO_LOCATION, START, headers, scenario_dir, start_flow

QUERY = {"locationId": DEMO_LOCATION, "userId": "demo-user"}
RATE_LIMITED = {"description": "one 429", "steps": [{"match": {"endpoint": "start"}, "rate_limit": {"retry_after": 1}}]}


@pytest.fixture
def control() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), follow_redirects=False, client=("127.0.0.1", 50000)) as client:
        yield client


def documented(response: Any, path: str, method: str) -> None:
    """The answer has the status and the schema the control API's own document gives it."""
    document = control_openapi()
    operation = document["paths"][path][method]
    assert str(response.status_code) in operation["responses"], (path, method, response.status_code)
    schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), {**schema, "components": document["components"]})


# --- tokens ---------------------------------------------------------------------------------------


def test_minted_tokens_are_accepted_or_refused_like_the_cli_ones(control: TestClient) -> None:
    minted = control.post("/__mock/tokens", json={"locationId": DEMO_LOCATION})
    documented(minted, "/__mock/tokens", "post")
    assert minted.status_code == 201 and minted.json()["authClass"] == "Location"
    assert control.get(START, params=QUERY, headers=headers(minted.json()["token"])).status_code == 302
    default = control.post("/__mock/tokens").json()  # no body: a demo-location token
    assert default["authClassId"] == DEMO_LOCATION
    expired = control.post("/__mock/tokens", json={"expiresIn": -60}).json()["token"]
    refused = control.get(START, params=QUERY, headers=headers(expired))
    assert refused.status_code == 401
    agency = control.post("/__mock/tokens", json={"companyId": "c1"}).json()
    assert agency["authClass"] == "Company"
    assert control.get(START, params=QUERY, headers=headers(agency["token"])).status_code == 401
    no_scope = control.post("/__mock/tokens", json={"scopes": ["contacts.readonly"]}).json()["token"]
    assert control.get(START, params=QUERY, headers=headers(no_scope)).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"locationId": "a", "companyId": "b"}, 422, "(top level)"),
        ({"locationId": ""}, 422, "locationId"),
        ({"expiresIn": "soon"}, 422, "expiresIn"),
        ({"location": "a"}, 422, "location"),
        ([1, 2], 422, "(top level)"),
        ("{not json", 400, "(body)"),
    ],
)
def test_a_bad_token_request_names_the_field(control: TestClient, body: Any, status: int, field: str) -> None:
    raw = body if isinstance(body, str) else json.dumps(body)
    response = control.post("/__mock/tokens", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == status, response.text
    assert field in [e["field"] for e in response.json()["errors"]], response.text
    assert response.json()["message"].startswith("invalid request body: ")


def test_an_oversized_control_body_is_refused_not_read(control: TestClient) -> None:
    response = control.post("/__mock/tokens", content=b" " * 1_000_001 + b"{}")
    assert response.status_code == 413 and "larger than" in response.text


# --- connect ---------------------------------------------------------------------------------------


def test_connect_runs_the_flow_and_answers_the_message(control: TestClient) -> None:
    response = control.post("/__mock/connect", json={"userId": "u-7", "session": "t1"})
    documented(response, "/__mock/connect", "post")
    message = response.json()
    assert message["post"] is True and message["targetOrigin"] == "*"
    payload = message["payload"]
    assert payload["platform"] == "tiktok-business" and len(payload["accountId"]) == 24
    grants = control.get("/__mock/accounts", params={"locationId": DEMO_LOCATION}).json()["grants"]
    assert [(g["accountId"], g["userId"]) for g in grants] == [(payload["accountId"], "u-7")]
    # The flow is the browser's: every request journaled, in the connect's session.
    entries = control.get("/__mock/journal", params={"session": "t1"}).json()["entries"]
    assert [(e["path"].rsplit("/", 1)[-1], e["status"]) for e in entries] == [
        ("finish", 200),
        ("consent", 303),
        ("start", 302),
    ]


def test_connect_cancel_reconnect_and_v3_platforms(control: TestClient) -> None:
    cancelled = control.post("/__mock/connect", json={"decision": "cancel"}).json()["payload"]
    assert "accountId" not in cancelled
    youtube = control.post("/__mock/connect", json={"platform": "youtube"}).json()["payload"]
    assert youtube["platform"] == "youtube" and youtube["accountId"]
    facebook_v3 = control.post("/__mock/connect", json={"platform": "facebook", "version": "v3"})
    assert facebook_v3.status_code == 200
    assert control.get("/__mock/journal", params={"limit": 1, "path": "/start"}).json()["entries"][0]["version"] == "v3"
    first = control.post("/__mock/connect", json={}).json()["payload"]["accountId"]
    again = control.post("/__mock/connect", json={"reconnect": True}).json()["payload"]
    assert any(first in account for account in again["reconnectAccounts"])  # connected before this grant


def test_connect_reports_where_a_flow_stopped(control: TestClient) -> None:
    control.post("/__mock/scenarios/rate-limited/activate")
    failed = control.post("/__mock/connect", json={})
    documented(failed, "/__mock/connect", "post")
    body = failed.json()
    assert (failed.status_code, body["failedStep"], body["status"]) == (400, "start", 429)
    assert body["body"]["statusCode"] == 429
    control.post("/__mock/reset")
    control.post("/__mock/scenarios/consent-cancel/activate")  # a scripted consent page applies too
    assert "accountId" not in control.post("/__mock/connect", json={}).json()["payload"]
    youtube_v1 = control.post("/__mock/connect", json={"platform": "youtube", "version": "2021-07-28"})
    assert youtube_v1.status_code == 422 and youtube_v1.json()["errors"][0]["field"] == "platform"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "myspace"}, "platform"),
        ({"decision": "deny"}, "decision"),
        ({"reconnect": "maybe"}, "reconnect"),
        ({"locationId": ""}, "locationId"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_connect_request_names_the_field(control: TestClient, body: dict[str, Any], field: str) -> None:
    response = control.post("/__mock/connect", json=body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_the_finish_page_answers_json_to_a_json_client(control: TestClient) -> None:
    consent = start_flow(control)
    finish = consent.replace("/consent?", "/finish?") + "&decision=approve"
    answer = control.get(finish, headers={"Accept": "application/json"})
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["payload"]["accountId"]
    again = control.get(finish, headers={"Accept": "application/json"})
    assert again.status_code == 400 and "already completed" in again.json()["message"]
    browser = control.get(start_flow(control).replace("/consent?", "/finish?") + "&decision=approve")
    assert browser.headers["content-type"].startswith("text/html")  # a browser still gets the page


# --- accounts ---------------------------------------------------------------------------------------


def test_accounts_lists_grants_and_connected_accounts_with_filters(control: TestClient) -> None:
    tiktok = control.post("/__mock/connect", json={}).json()["payload"]["accountId"]
    control.post("/__mock/connect", json={"platform": "facebook", "locationId": "other-location"})
    everything = control.get("/__mock/accounts")
    documented(everything, "/__mock/accounts", "get")
    assert {g["platform"] for g in everything.json()["grants"]} == {"tiktok-business", "facebook"}
    # tiktok-business connects on consent (research §3.3); facebook waits for an attach.
    connected = [(a["platform"], a["oauthId"], a["originId"]) for a in everything.json()["accounts"]]
    assert connected == [("tiktok-business", tiktok, "ttb-bakery-0001"), ("tiktok-business", tiktok, "ttb-bakery-0002")]
    only = control.get("/__mock/accounts", params={"platform": "facebook"}).json()
    assert [g["locationId"] for g in only["grants"]] == ["other-location"] and only["accounts"] == []
    assert control.get("/__mock/accounts", params={"locationId": "nobody"}).json() == {"grants": [], "accounts": []}
    assert control.get("/__mock/accounts", params={"platform": "myspace"}).status_code == 400


# --- run-time scenarios -------------------------------------------------------------------------------


def test_a_run_time_scenario_applies_until_removed_or_reset(control: TestClient) -> None:
    added = control.post("/__mock/scenarios", params={"activate": "true"}, json={"name": "one-429", **RATE_LIMITED})
    documented(added, "/__mock/scenarios", "post")
    assert added.status_code == 201 and added.json()["runtime"] is True and added.json()["active"] is True
    assert control.get(START, params=QUERY, headers=headers()).status_code == 429
    assert control.get(START, params=QUERY, headers=headers()).status_code == 302  # one step, then through
    replaced = control.post("/__mock/scenarios", json={"name": "one-429", **RATE_LIMITED})
    assert replaced.status_code == 200  # replacing starts its positions over
    assert control.get(START, params=QUERY, headers=headers()).status_code == 429
    removed = control.delete("/__mock/scenarios/one-429")
    documented(removed, "/__mock/scenarios/{name}", "delete")
    assert removed.json() == {"removed": "one-429", "active": []}
    assert control.get(START, params=QUERY, headers=headers()).status_code == 302
    assert control.delete("/__mock/scenarios/one-429").status_code == 404
    control.post("/__mock/scenarios", json={"name": "kept-until-reset", **RATE_LIMITED})
    control.post("/__mock/reset")
    names = [s["name"] for s in control.get("/__mock/scenarios").json()["scenarios"]]
    assert "kept-until-reset" not in names and "rate-limited" in names  # the library stays


def test_a_run_time_scenario_may_be_yaml_and_cannot_shadow_a_file(control: TestClient) -> None:
    text = yaml.safe_dump({"name": "from-yaml", **RATE_LIMITED})
    added = control.post("/__mock/scenarios", content=text, headers={"Content-Type": "application/yaml"})
    assert added.status_code == 201, added.text
    clash = control.post("/__mock/scenarios", json={"name": "rate-limited", **RATE_LIMITED})
    assert clash.status_code == 409 and "rate-limited.yaml" in clash.json()["message"]
    assert control.delete("/__mock/scenarios/rate-limited").status_code == 409  # a file's: not removable


def test_an_invalid_run_time_scenario_gets_every_problem_with_its_field(control: TestClient) -> None:
    bad = {"name": "bad", "steps": [{"match": {"endpoint": "everywhere"}, "gateway": 501}, {"hang": True}]}
    response = control.post("/__mock/scenarios", json=bad)
    documented(response, "/__mock/scenarios", "post")
    fields = [e["field"] for e in response.json()["errors"]]
    assert response.status_code == 422
    assert {"description", "steps[0].match.endpoint", "steps[0].gateway"} <= set(fields), fields
    cases: list[tuple[Any, str]] = [
        ({"description": "no name", "steps": [{"gateway": 502}]}, "name"),
        ({"name": "Has Spaces", **RATE_LIMITED}, "name"),
        (["a list"], "(top level)"),
    ]
    for body, field in cases:
        refused = control.post("/__mock/scenarios", json=body)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == field, refused.text
    bad_yaml = control.post("/__mock/scenarios", content="a: [", headers={"Content-Type": "text/yaml"})
    assert bad_yaml.status_code == 400 and "YAML" in bad_yaml.text
    assert control.post("/__mock/scenarios", params={"activate": "yes"}, json={}).status_code == 400


def test_the_new_endpoints_refuse_remote_and_cross_site_clients() -> None:
    app = create_app(Settings())
    with TestClient(app, client=("10.1.2.3", 50000)) as remote:
        for method, path in (("POST", "/__mock/tokens"), ("POST", "/__mock/connect"), ("GET", "/__mock/accounts")):
            assert remote.request(method, path).status_code == 403, path
        assert remote.request("DELETE", "/__mock/scenarios/x").status_code == 403
    with TestClient(app, client=("127.0.0.1", 50000)) as local:
        forged = local.post("/__mock/tokens", headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
        assert forged.status_code == 403


def test_the_control_document_lists_every_control_route() -> None:
    document: dict[str, Any] = control_openapi()
    documented_routes = {(p, m.upper()) for p, item in document["paths"].items() for m in item}
    for route in create_app(Settings()).routes:
        if isinstance(route, Mount) or not isinstance(route, Route) or not route.path.startswith("/__mock/"):
            continue
        if "/oauth/" in route.path:
            continue  # the browser pages, not the control API
        for method in route.methods or ():
            if method != "HEAD":
                assert (route.path, method) in documented_routes, (route.path, method)


# --- GhlMock.add_scenario, user directories ------------------------------------------------------------


@pytest.mark.parametrize("mode", ["in-process", "remote"])
def test_ghlmock_add_scenario_in_process_and_remote(mode: str) -> None:
    if mode == "in-process":
        mock = GhlMock.in_process()
        server = None
    else:
        app = create_app(Settings())
        server = LiveServer(app).__enter__()
        mock = GhlMock.remote(server.url, Settings().secret.get_secret_value())
    try:
        mock.add_scenario("mine", RATE_LIMITED, activate=True)
        assert mock.client.get(START, params=QUERY, headers=mock.headers()).status_code == 429
        with pytest.raises(GhlMockError, match=r"steps\[0\]\.gateway"):
            mock.add_scenario("broken", {"description": "x", "steps": [{"gateway": 501}]})
        with pytest.raises(GhlMockError, match="rate-limited"):
            mock.add_scenario("rate-limited", RATE_LIMITED)
        mock.reset()
        assert mock.client.get(START, params=QUERY, headers=mock.headers()).status_code == 302
        with pytest.raises(GhlMockError, match="mine"):
            mock.use_scenario("mine")  # gone with the reset
    finally:
        mock.close()
        if server is not None:
            server.__exit__(None, None, None)


def test_extra_directories_layer_over_the_library_and_clashes_name_both_files(tmp_path: Path) -> None:
    mine = scenario_dir(tmp_path, {"my-outage": "description: mine\nsteps:\n  - {gateway: 503}\n"})
    settings = Settings(extra_scenarios=[mine], scenarios=["my-outage"])
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as client:
        names = {s["name"] for s in client.get("/__mock/scenarios").json()["scenarios"]}
        assert {"my-outage", "rate-limited", "slow"} <= names
        assert client.get(START, params=QUERY, headers=headers()).status_code == 503
    (mine / "rate-limited.yaml").write_text("description: shadow\nsteps:\n  - {gateway: 500}\n")
    result = load_directories([default_scenarios_dir(), mine])
    assert [(e.file, e.field) for e in result.errors] == [(mine / "rate-limited.yaml", "(file name)")]
    assert str(default_scenarios_dir() / "rate-limited.yaml") in result.errors[0].reason
    assert result.scenarios["rate-limited"].file == default_scenarios_dir() / "rate-limited.yaml"


def test_extra_directories_from_the_cli_and_the_environment(tmp_path: Path) -> None:
    mine = scenario_dir(tmp_path, {"my-outage": "description: mine\nsteps:\n  - {gateway: 503}\n"})
    cli = [sys.executable, "-m", "ghl_mock", "scenarios"]
    env = {**os.environ, "GHL_MOCK_EXTRA_SCENARIOS": json.dumps([str(mine)])}
    listed = subprocess.run([*cli, "list"], capture_output=True, text=True, env=env, timeout=60)
    assert listed.returncode == 0 and "my-outage" in listed.stdout and "rate-limited" in listed.stdout
    (mine / "slow.yaml").write_text("description: clash\nsteps:\n  - {gateway: 500}\n")
    clash = subprocess.run([*cli, "validate", "--extra-scenarios", str(mine)], capture_output=True, text=True)
    assert clash.returncode == 1
    assert f"invalid  {mine / 'slow.yaml'}: (file name): the name 'slow' is taken by" in clash.stdout
    missing = subprocess.run(
        [*cli, "list", "--extra-scenarios", str(tmp_path / "nope")], capture_output=True, text=True
    )
    assert (
        missing.returncode == 2 and "extra_scenarios (--extra-scenarios / GHL_MOCK_EXTRA_SCENARIOS)" in missing.stderr
    )


# --- ghl-mock health ----------------------------------------------------------------------------------


def test_the_health_command_answers_for_any_bind_address() -> None:
    with LiveServer(create_app(Settings())) as server:
        port = server.url.rsplit(":", 1)[1]
        for host in ("127.0.0.1", "0.0.0.0"):  # a server bound to every interface is asked on loopback
            ok = subprocess.run(
                [sys.executable, "-m", "ghl_mock", "health"],
                capture_output=True,
                text=True,
                env={**os.environ, "GHL_MOCK_HOST": host, "GHL_MOCK_PORT": port},
                timeout=30,
            )
            assert ok.returncode == 0 and "healthy" in ok.stdout, ok.stderr
    down = subprocess.run(
        [sys.executable, "-m", "ghl_mock", "health", "--port", port, "--timeout", "1"], capture_output=True, text=True
    )
    assert down.returncode == 1 and "no answer" in down.stderr


def test_a_reload_of_the_files_keeps_run_time_scenarios(tmp_path: Path) -> None:
    from ghl_mock.scenarios.engine import ScenarioEngine
    from ghl_mock.scenarios.loader import runtime_scenario

    directory = scenario_dir(tmp_path, {"f": "description: file\nsteps:\n  - {gateway: 502}\n"})
    engine = ScenarioEngine(load_directories([directory]).scenarios)
    engine.add(runtime_scenario("mine", RATE_LIMITED))
    engine.activate("mine")
    engine.replace(load_directories([directory]).scenarios)  # what --watch does on a change
    assert engine.knows("mine") and engine.active == ["mine"]
    engine.reset()
    assert not engine.knows("mine") and engine.knows("f")


def test_ghlmock_connect_reads_the_message_as_json_and_says_why_it_failed() -> None:
    mock = GhlMock.in_process()
    try:
        assert mock.connect().account_id
        with pytest.raises(GhlMockError) as refused:
            mock.connect(decision="deny")
    finally:
        mock.close()
    assert str(refused.value) == (
        'the finish page answered 400: {"statusCode":400,"message":"decision must be approve or cancel"}'
    )

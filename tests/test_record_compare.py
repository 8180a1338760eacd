"""Record and compare (issue #14): the recording proxy, capture files, --to-scenario and compare.

Every upstream here is on 127.0.0.1: a second ghl-mock in a LiveServer (configured like the mock
under comparison, or differently), or a small fake ASGI app that notes what reached it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from starlette.types import Receive, Scope, Send

from ghl_mock.app import create_app
from ghl_mock.capture import (
    DEFAULT_MAX_BODY,
    CaptureWriter,
    header_safe,
    load_capture,
    mask_text,
    to_scenario,
)
from ghl_mock.cli import main
from ghl_mock.compare import compare
from ghl_mock.inprocess import ASGISyncTransport
from ghl_mock.live import LiveServer
from ghl_mock.masking import mask
from ghl_mock.record import RecordingProxy
from ghl_mock.settings import Settings
from tests.conftest import DEMO_LOCATION, PIT_FULL, START, mint

ROOT = Path(__file__).resolve().parent.parent
LIST = f"/social-media-posting/{DEMO_LOCATION}/accounts"
#: The 422 of the flow (an unknown parameter, no locationId), with its messages in another order.
REORDERED_422 = """\
description: "The flow's 422 with class-validator's messages in another order."
steps:
  - match: {endpoint: start, query: {foo: "*"}}
    error:
      rule: query_invalid
      messages: ["locationId should not be empty", "locationId must be a string", "property foo should not exist"]
"""


@dataclass
class Sent:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    response: httpx.Response


@dataclass
class Flow:
    sent: list[Sent]
    token: str
    state: str
    account_id: str


@contextmanager
def recording(upstream: Any, capture: Path, **proxy: Any) -> Iterator[tuple[httpx.Client, str, list[str]]]:
    """A client whose requests go through a recording proxy (a LiveServer) to ``upstream`` (another)."""
    log: list[str] = []
    with LiveServer(upstream) as up:
        writer = CaptureWriter(capture, up.url, proxy.get("max_body", DEFAULT_MAX_BODY), "test")
        app = RecordingProxy(up.url, writer, log=log.append, **proxy)
        with LiveServer(app) as px, httpx.Client(base_url=px.url, trust_env=False, timeout=10) as client:
            yield client, up.url, log


def mock_flow(client: httpx.Client, upstream_url: str) -> Flow:
    """Start (302), no token (401), a 422, a Version only --strict-version refuses, get-accounts,
    the accounts list, a delete and the list again: what a client does, through the proxy."""
    with httpx.Client(base_url=upstream_url, trust_env=False) as direct:  # the popup's part: not proxied
        connected = direct.post("/__mock/connect", json={"platform": "tiktok-business", "locationId": DEMO_LOCATION})
    account_id = connected.json()["payload"]["accountId"]
    token = mint(DEMO_LOCATION)
    with_token = {"Version": "2021-07-28", "Authorization": f"Bearer {token}"}
    with_pit = {"Version": "2021-07-28", "Authorization": f"Bearer {PIT_FULL}"}
    sent: list[Sent] = []

    def send(method: str, path: str, params: dict[str, str], headers: dict[str, str]) -> httpx.Response:
        response = client.request(method, path, params=params, headers=headers)
        sent.append(Sent(method, path, params, headers, response))
        return response

    start = send("GET", START, {"locationId": DEMO_LOCATION, "userId": "demo-user"}, with_token)
    send("GET", START, {"locationId": DEMO_LOCATION, "userId": "demo-user"}, {"Version": "2021-07-28"})
    send("GET", START, {"userId": "demo-user", "foo": "1"}, with_token)
    send("GET", START, {"locationId": DEMO_LOCATION, "userId": "demo-user"}, {**with_token, "Version": "2023-02-21"})
    accounts = f"/social-media-posting/oauth/{DEMO_LOCATION}/tiktok-business/accounts/{account_id}"
    send("GET", accounts, {}, with_token)
    listed = send("GET", LIST, {}, with_pit)
    send("DELETE", f"{LIST}/{listed.json()['results']['accounts'][0]['id']}", {}, with_pit)
    send("GET", LIST, {}, with_pit)
    state = httpx.URL(start.headers["location"]).params["state"]
    return Flow(sent, token, state, account_id)


def record_mock_flow(tmp_path: Path, settings: Settings, name: str = "capture.jsonl") -> tuple[Path, Flow]:
    capture = tmp_path / name
    with recording(create_app(settings), capture) as (client, upstream_url, _):
        flow = mock_flow(client, upstream_url)
    return capture, flow


def plain() -> Settings:
    return Settings(access_log=False)


# --- (a) recording a flow ---------------------------------------------------------------------


def test_recording_a_flow_keeps_every_answer_and_no_whole_credential(tmp_path: Path) -> None:
    capture, flow = record_mock_flow(tmp_path, plain())
    statuses = [s.response.status_code for s in flow.sent]
    assert statuses == [302, 401, 422, 302, 200, 200, 200, 200]
    loaded = load_capture(capture)
    assert [e.response.status for e in loaded.exchanges] == statuses
    assert [e.index for e in loaded.exchanges] == list(range(1, 9))

    raw = capture.read_bytes()
    for secret in (flow.token, flow.state, PIT_FULL):
        assert secret.encode() not in raw, f"a whole credential is in the capture: {secret[:12]}…"
        assert json.dumps(secret).encode() not in raw
    # What stands in for them: the masked forms, and what the replay needs to know.
    first = loaded.exchanges[0]
    assert first.request.auth is not None
    assert first.request.auth.masked == f"Bearer {mask(flow.token)}"
    assert (first.request.auth.kind, first.request.auth.auth_class, first.request.auth.auth_class_id) == (
        "jwt",
        "Location",
        DEMO_LOCATION,
    )
    assert loaded.exchanges[5].request.auth is not None
    assert loaded.exchanges[5].request.auth.kind == "pit"
    assert all(name.lower() != "authorization" for e in loaded.exchanges for name, _ in e.request.headers)
    assert loaded.exchanges[1].request.auth is None  # the 401: sent without a token
    # The 302 is recorded as the upstream sent it (not followed), its state shortened.
    location = first.response.header("location")
    assert location == header_safe(mask_text(flow.sent[0].response.headers["location"]))
    assert location is not None and location.startswith(f"{loaded.header.upstream}/__mock/oauth/tiktok-business/")
    assert f"state={mask(flow.state)}" in first.response.body
    # Everything without a credential is kept byte for byte (here: all but the two 302s).
    for sent, exchange in zip(flow.sent, loaded.exchanges, strict=True):
        assert exchange.response.body == mask_text(sent.response.text)
        if sent.response.status_code != 302:
            assert exchange.response.body == sent.response.text
    assert loaded.header.upstream.startswith("http://127.0.0.1:")


def test_masking_covers_bodies_headers_and_queries() -> None:
    jwt_like = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    body = json.dumps({"access_token": "abcdefghijklmnopqrstuvwxyz", "state": "CA", "nested": {"id": jwt_like}})
    masked = mask_text(body)
    assert "abcdefghijklmnopqrstuvwxyz" not in masked and jwt_like not in masked
    assert '"state": "CA"' in masked  # an address's state is not a credential
    assert mask_text(masked) == masked  # masking twice changes nothing
    query = mask_text("code=0123456789abcdef0123&statusCode=401&refreshToken=zzzzzzzzzzzzzzzzzzzz")
    assert query == f"code={mask('0123456789abcdef0123')}&statusCode=401&refreshToken={mask('z' * 20)}"
    assert PIT_FULL not in mask_text(f"see Bearer {PIT_FULL} and {PIT_FULL}")
    assert "…" not in header_safe(mask_text(f"https://x.invalid/cb?state={jwt_like}"))


# --- (b) a capture as a scenario, replayed byte for byte -------------------------------------


def test_to_scenario_replays_every_recorded_answer_byte_for_byte(tmp_path: Path) -> None:
    capture, flow = record_mock_flow(tmp_path, plain())
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    out = scenarios / "recorded-flow.yaml"
    result = CliRunner().invoke(
        main, ["record", "--to-scenario", "recorded-flow", "--from", str(capture), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "8 steps from 8 exchanges" in result.output
    assert flow.token not in out.read_text() and flow.state not in out.read_text()

    fresh = create_app(Settings(access_log=False, extra_scenarios=[scenarios], scenarios=["recorded-flow"]))
    with httpx.Client(transport=ASGISyncTransport(fresh), base_url="http://127.0.0.1:8080") as client:
        for n, sent in enumerate(flow.sent, 1):
            replayed = client.request(sent.method, sent.path, params=sent.params, headers=sent.headers)
            upstream = sent.response
            assert replayed.status_code == upstream.status_code, n
            assert replayed.headers["x-ghl-mock-step"] == f"recorded-flow/{n}"  # the scenario answered
            assert replayed.headers.get("content-type") == upstream.headers.get("content-type")
            if upstream.status_code == 302:  # the consent state: replayed as the capture holds it
                assert replayed.content == mask_text(upstream.text).encode()
                assert replayed.content != upstream.content
                assert replayed.headers["location"] == header_safe(mask_text(upstream.headers["location"]))
            else:
                assert replayed.content == upstream.content, n
        # Past the last step the mock answers normally again: the upstream's account is unknown here.
        after = client.get(flow.sent[4].path, headers=flow.sent[4].headers)
        assert after.status_code == 400 and "x-ghl-mock-step" not in after.headers


def test_to_scenario_leaves_out_what_the_mock_does_not_route(tmp_path: Path) -> None:
    capture = tmp_path / "capture.jsonl"
    with recording(create_app(plain()), capture) as (client, _, _):
        client.get("/__mock/health")
        client.get(START, params={"locationId": DEMO_LOCATION, "userId": "u"}, headers={"Version": "2021-07-28"})
    export = to_scenario(load_capture(capture), "two")
    assert [step["raw"]["status"] for step in export.data["steps"]] == [401]
    assert export.skipped == [(1, "GET /__mock/health is not an operation the mock routes")]


# --- (c) compare ------------------------------------------------------------------------------


def test_compare_of_an_identically_configured_upstream_finds_nothing(tmp_path: Path) -> None:
    capture, _ = record_mock_flow(tmp_path, plain())
    report = compare(load_capture(capture), plain())
    assert [r.differences for r in report.results] == [[]] * 8, report.text()
    assert report.exit_code == 0
    notes = " ".join(note for r in report.results for note in r.notes)
    assert "the fixtures' PIT pit-00…0001" in notes  # the PIT found again by its ends
    assert "a grant the mock made" in notes  # the upstream's account id, mapped

    result = CliRunner().invoke(main, ["compare", str(capture), "--json"])
    assert result.exit_code == 0, result.output
    report_json = json.loads(result.stdout)
    assert (report_json["exchanges"], report_json["differing"]) == (8, 0)


@pytest.mark.parametrize(
    ("configure", "index", "wheres"),
    [
        # --strict-version upstream: the 2023-02-21 start is refused there, accepted by the mock.
        (
            lambda tmp: Settings(access_log=False, strict_version=True),
            4,
            {"status", "header content-type", "header location", "body"},
        ),
        # An upstream whose 422 lists class-validator's messages in another order: the body only.
        (
            lambda tmp: Settings(access_log=False, extra_scenarios=[_scenario_dir(tmp)], scenarios=["reordered-422"]),
            3,
            {"body.message[0]", "body.message[1]", "body.message[2]"},
        ),
    ],
    ids=["strict-version", "422-order"],
)
def test_compare_finds_exactly_the_planted_difference(
    tmp_path: Path, configure: Any, index: int, wheres: set[str]
) -> None:
    capture, _ = record_mock_flow(tmp_path, configure(tmp_path))
    report = compare(load_capture(capture), plain())
    assert [r.index for r in report.differing] == [index], report.text()
    assert {d.where for d in report.differing[0].differences} == wheres
    assert report.exit_code == 1

    result = CliRunner().invoke(main, ["compare", str(capture)])
    assert result.exit_code == 1
    assert f"#{index} GET {START}" in result.stdout and "DIFFERS" in result.stdout
    assert "1 of 8 exchanges differ" in result.stdout
    as_json = CliRunner().invoke(main, ["compare", str(capture), "--json"])
    assert as_json.exit_code == 1
    differing = [r for r in json.loads(as_json.stdout)["results"] if not r["same"]]
    assert [r["index"] for r in differing] == [index]
    if index == 4:
        assert {"where": "status", "recorded": 401, "mock": 302} in differing[0]["differences"]
    # Ignoring where the difference is leaves none, and exit 0.
    ignored = [arg for where in wheres for arg in ("--ignore", where)]
    assert CliRunner().invoke(main, ["compare", str(capture), *ignored]).exit_code == 0


def test_compare_against_the_same_differently_configured_mock_finds_nothing(tmp_path: Path) -> None:
    capture, _ = record_mock_flow(tmp_path, Settings(access_log=False, strict_version=True))
    result = CliRunner().invoke(main, ["compare", str(capture), "--strict-version"])
    assert result.exit_code == 0, result.stdout


def _scenario_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "upstream-scenarios"
    directory.mkdir(exist_ok=True)
    (directory / "reordered-422.yaml").write_text(REORDERED_422)
    return directory


# --- (d) bad capture files --------------------------------------------------------------------

HEADER = json.dumps({"format": "ghl-mock-capture", "version": 1, "upstream": "http://127.0.0.1:9", "startedAt": "t",
                     "ghlMockVersion": "0"})  # fmt: skip
EXCHANGE: dict[str, Any] = {
    "index": 1,
    "at": "t",
    "durationMs": 1,
    "request": {"method": "GET", "path": START, "headers": [["version", "2021-07-28"]]},
    "response": {"status": 401, "headers": [], "body": ""},
}


@pytest.mark.parametrize(
    ("lines", "line", "field", "reason"),
    [
        (
            [HEADER, json.dumps({**EXCHANGE, "response": {"status": "soon"}})],
            2,
            "response.status",
            "expected a whole number",
        ),
        ([HEADER, json.dumps({**EXCHANGE, "extra": 1})], 2, "extra", "not a field here"),
        ([HEADER, json.dumps(EXCHANGE), "{not json"], 3, "column 2", "invalid JSON"),
        ([json.dumps({"steps": []})], 1, "format", "not a ghl-mock capture"),
        ([HEADER.replace('"version": 1', '"version": 7')], 1, "version", "expected 1, got 7"),
    ],
    ids=["status", "unknown-field", "json", "not-a-capture", "version"],
)
def test_a_bad_capture_names_file_line_field_and_reason(
    tmp_path: Path, lines: list[str], line: int, field: str, reason: str
) -> None:
    capture = tmp_path / "bad.jsonl"
    capture.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["compare", str(capture)])
    assert result.exit_code == 2
    assert f"ghl-mock: bad capture: {capture}: line {line}: {field}: " in result.stderr
    assert reason in result.stderr
    as_json = CliRunner().invoke(main, ["compare", str(capture), "--json"])
    assert as_json.exit_code == 2
    error = json.loads(as_json.stdout)["error"]
    assert (error["file"], error["line"], error["field"]) == (str(capture), line, field)
    assert reason in error["reason"]
    to_scenario_run = CliRunner().invoke(main, ["record", "--to-scenario", "x", "--from", str(capture)])
    assert to_scenario_run.exit_code == 2 and f"line {line}: {field}" in to_scenario_run.stderr


def test_a_missing_or_empty_capture_and_bad_usage_exit_2(tmp_path: Path) -> None:
    missing = CliRunner().invoke(main, ["compare", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "file not found" in missing.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text(HEADER + "\n")
    assert CliRunner().invoke(main, ["compare", str(empty)]).exit_code == 2
    for args in (
        ["record"],
        ["record", "--upstream", "http://user:secret@127.0.0.1:9"],
        ["record", "--upstream", "ftp://127.0.0.1:9"],
        ["record", "--upstream", "http://127.0.0.1:9/?q=1"],
        ["record", "--to-scenario", "x"],
        ["record", "--to-scenario", "Bad Name", "--from", str(empty)],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)


# --- (e) the proxy talks to the upstream only -------------------------------------------------


class Fake:
    """A small upstream: notes each request's Host and target, answers JSON (``/redirect``: a 302)."""

    def __init__(self, redirect_to: str = "") -> None:
        self.seen: list[tuple[str, str]] = []
        self.redirect_to = redirect_to

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        host = dict(scope["headers"]).get(b"host", b"").decode()
        target = scope["raw_path"].decode() + (f"?{scope['query_string'].decode()}" if scope["query_string"] else "")
        self.seen.append((host, target))
        while (await receive()).get("more_body"):
            pass
        if scope["path"] == "/redirect":
            headers = [(b"location", self.redirect_to.encode()), (b"content-length", b"0")]
            await send({"type": "http.response.start", "status": 302, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = b'{"ok":true}'
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def raw_request(url: str, target: str, host: str) -> bytes:
    parsed = httpx.URL(url)
    with socket.create_connection((parsed.host, parsed.port or 80), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_the_proxy_never_contacts_another_host_than_the_upstream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = Fake()
    with LiveServer(elsewhere) as other:
        other_netloc = httpx.URL(other.url).netloc.decode()
        # Proxy settings in the environment must not reroute anything.
        monkeypatch.setenv("HTTP_PROXY", other.url)
        monkeypatch.setenv("ALL_PROXY", other.url)
        upstream = Fake(redirect_to=f"{other.url}/landing")
        capture = tmp_path / "capture.jsonl"
        with recording(upstream, capture, max_body=64) as (client, upstream_url, log):
            proxy_url = str(client.base_url).rstrip("/")
            up_netloc = httpx.URL(upstream_url).netloc.decode()
            assert client.get("/a", headers={"Host": other_netloc}).status_code == 200
            assert raw_request(proxy_url, f"{other.url}/b?x=1", other_netloc).startswith(b"HTTP/1.1 200")
            assert raw_request(proxy_url, f"//{other_netloc}/c", other_netloc).startswith(b"HTTP/1.1 200")
            redirect = client.get("/redirect")  # the client's own client does not follow either
            assert redirect.status_code == 302 and redirect.headers["location"] == f"{other.url}/landing"
            too_big = client.post("/d", content=b"x" * 65)
            assert too_big.status_code == 413
        assert elsewhere.seen == []
        assert upstream.seen == [
            (up_netloc, "/a"),
            (up_netloc, "/b?x=1"),
            (up_netloc, f"//{other_netloc}/c"),
            (up_netloc, "/redirect"),
        ]  # and not /d: a body over the bound is not forwarded
        assert [e.request.path for e in load_capture(capture).exchanges] == [
            "/a",
            "/b",
            f"//{other_netloc}/c",
            "/redirect",
        ]
        assert any("not followed" in line for line in log)


def test_ghl_mock_record_runs_as_a_command(tmp_path: Path) -> None:
    upstream = Fake()
    capture = tmp_path / "cli.jsonl"
    with LiveServer(upstream) as up:
        command = [
            sys.executable,
            "-m",
            "ghl_mock",
            "record",
            "--upstream",
            up.url,
            "--port",
            "0",
            "--out",
            str(capture),
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("GHL_MOCK_")}
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
        )
        try:
            assert process.stdout is not None
            ready = process.stdout.readline()
            assert ready.startswith("ghl-mock record on http://127.0.0.1:"), ready
            proxy_url = ready.split()[3]
            answer = httpx.get(
                f"{proxy_url}/social-media-posting/x", headers={"Authorization": f"Bearer {PIT_FULL}"}, trust_env=False
            )
            assert answer.json() == {"ok": True}
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=15)
        assert process.returncode == 0, stderr
        assert "1 exchanges in" in stderr
    assert PIT_FULL not in capture.read_text()
    assert len(load_capture(capture).exchanges) == 1


# --- hardening found in review: credentials in every form, abandoned requests, odd answers ------


def secret(i: int) -> str:
    return f"SeCrEt{i:02d}Q7x9Kp2mZ4w{i:02d}tail"


#: A JWT whose parts come broken across a JSON-escaped line break.
SPLIT_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiO\\niJ4eHh4eHh4eCJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln"


class Answers(Fake):
    """An upstream answering each path as ``answers`` says: (status, headers, body)."""

    def __init__(self, answers: dict[str, tuple[int, list[tuple[str, str]], str]]) -> None:
        super().__init__()
        self.answers = answers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.answers:
            await super().__call__(scope, receive, send)
            return
        self.seen.append(("", scope["path"]))
        while (await receive()).get("more_body"):
            pass
        status, headers, text = self.answers[scope["path"]]
        body = text.encode()
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


def test_no_whole_credential_reaches_the_capture_in_any_form(tmp_path: Path) -> None:
    s = secret
    answers = {
        "/keys": (
            200,
            [("content-type", "application/json")],
            json.dumps(
                {
                    "accessTokenValue": s(1),
                    "ACCESS_TOKEN": s(2),
                    "access-token": s(3),
                    "Token": s(4),
                    "refresh_token": [s(5)],
                    "data": json.dumps({"refresh_token": s(6)}),
                    "jwt": s(7),
                    "code": s(8),
                    "state": "CA",
                    "url": f"https://x/cb?a=1\\u0026state={s(9)}",
                    "split": SPLIT_JWT,
                }
            )
            .replace("\\\\u0026", "\\u0026")
            .replace("\\\\n", "\\n"),
        ),
        "/headers": (
            200,
            [
                ("set-cookie", f"sid={s(10)}; Path=/, other={s(11)}; Path=/"),
                ("x-auth-token", s(12)),
                ("authorization", s(13)),
                ("location", f"https://app.example/cb?%73tate={s(14)}&co%64e={s(15)}"),
            ],
            f'<a href="/cb?redirect_uri=https%3A%2F%2Fa%2Fcb%3Fstate%3D{s(16)}%26code%3D{s(17)}">x</a>',
        ),
    }
    capture = tmp_path / "capture.jsonl"
    with recording(Answers(answers), capture) as (client, _, _):
        form = f"grant_type=refresh_token&refresh%5Ftoken={s(20)}&client%5Fsecret={s(21)}"
        client.post("/oauth/token", content=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
        client.post("/oauth/token", json={"grant_type": "authorization_code", "code": s(22), "state": s(23)})
        client.get(f"/oauth/tokens/{s(24)}/revoke")
        client.get(f"/q?%73tate={s(25)}&co%64e={s(26)}&access%5Ftoken={s(27)}&ACCESS_TOKEN={s(28)}")
        client.get(
            "/h",
            headers={"X-Auth-Token": s(29), "Token": s(30), "X-Refresh-Token": s(31), "Cookie": s(32)},
        )
        client.get("/h2", headers={"Authorization": f"bEaReR\t{s(33)}", "Cookie": f"a={s(34)}; b={s(35)}"})
        client.get("/keys")
        client.get("/headers")
    text = capture.read_text()
    assert len(load_capture(capture).exchanges) == 8
    leaked = [i for i in (*range(1, 18), *range(20, 36)) if s(i) in text]
    assert leaked == [], [(i, s(i)) for i in leaked]
    assert "c2lnbmF0dXJlc2lnbmF0dXJlc2ln" not in text  # the split JWT's signature
    assert '\\"state\\": \\"CA\\"' in text  # an address's state stays


def test_masking_is_linear_and_only_leaves_what_mask_made() -> None:
    assert mask_text("eyJ" * 20_000) == "eyJ" * 20_000  # not a JWT; each eyJ is not a new start
    assert mask_text(f"token={secret(1)}%E2%80%A6") != f"token={secret(1)}%E2%80%A6"  # not mask's shape
    once = mask_text(f"token={secret(2)}")
    assert mask_text(once) == once


def test_a_request_its_client_abandoned_mid_body_is_not_forwarded(tmp_path: Path) -> None:
    upstream = Fake()
    capture = tmp_path / "capture.jsonl"
    with recording(upstream, capture) as (client, _, log):
        proxy = httpx.URL(str(client.base_url))
        assert proxy.port is not None
        with socket.create_connection((proxy.host, proxy.port), timeout=5) as sock:
            sock.sendall(b"POST /posts HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b'{"summary": "trunc')
        for _ in range(100):
            if any("left mid-body" in line for line in log):
                break
            socket.socket().close()
            __import__("time").sleep(0.02)
        assert client.get("/after").status_code == 200
    assert upstream.seen == [(upstream.seen[0][0], "/after")]
    assert [e.request.path for e in load_capture(capture).exchanges] == ["/after"]


def test_a_latin_1_header_value_is_forwarded_not_a_500(tmp_path: Path) -> None:
    upstream = Fake()
    with recording(upstream, tmp_path / "capture.jsonl") as (client, _, _):
        proxy = httpx.URL(str(client.base_url))
        assert proxy.port is not None
        with socket.create_connection((proxy.host, proxy.port), timeout=5) as sock:
            sock.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\nX-Name: caf\xe9\r\nConnection: close\r\n\r\n")
            answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert [target for _, target in upstream.seen] == ["/name"]


def test_an_answer_no_client_can_be_sent_is_a_502_and_not_recorded(tmp_path: Path) -> None:
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_799() -> None:  # a raw upstream: no server library would send this status
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 799 Weird\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    thread = threading.Thread(target=answer_799, daemon=True)
    thread.start()
    capture = tmp_path / "capture.jsonl"
    log: list[str] = []
    upstream = f"http://127.0.0.1:{port}"
    app = RecordingProxy(upstream, CaptureWriter(capture, upstream, DEFAULT_MAX_BODY, "test"), log=log.append)
    with LiveServer(app) as px, httpx.Client(base_url=px.url, trust_env=False, timeout=10) as client:
        answer = client.get("/odd")
    thread.join(5)
    listener.close()
    assert answer.status_code == 502 and "must be at most 599, got 799" in answer.text
    assert capture.read_text().count("\n") == 1  # the header line only: nothing recorded
    assert any("not recorded" in line for line in log)


def test_to_scenario_keeps_characters_yaml_reads_as_line_breaks(tmp_path: Path) -> None:
    import yaml

    from ghl_mock.capture import scenario_yaml

    body = '{"message":"a\x85b\u2028c\r\nd"}'
    capture = tmp_path / "capture.jsonl"
    with recording(Answers({LIST: (200, [("content-type", "application/json")], body)}), capture) as (client, _, _):
        client.get(LIST, headers={"Version": "2021-07-28", "Authorization": f"Bearer {PIT_FULL}"})
    data = to_scenario(load_capture(capture), "nel").data
    assert yaml.safe_load(scenario_yaml(data))["steps"][0]["raw"]["body"] == body


class Noting(Answers):
    """Answers, and notes each request's Accept-Encoding."""

    def __init__(self, answers: dict[str, tuple[int, list[tuple[str, str]], str]]) -> None:
        super().__init__(answers)
        self.encodings: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.encodings.append(dict(scope["headers"]).get(b"accept-encoding", b"").decode())
        await super().__call__(scope, receive, send)


def test_bounds_encodings_and_bodies_that_are_not_text(tmp_path: Path) -> None:
    capture = tmp_path / "capture.jsonl"
    upstream = Noting({"/big": (200, [], "x" * 100), "/ok": (200, [], "fine")})
    with recording(upstream, capture, max_body=64) as (client, _, log):
        big = client.get("/big")  # the upstream's answer is over the bound
        binary = client.post("/bin", content=b"\xff\xfe\x00binary")
        ok = client.get("/ok", headers={"Accept-Encoding": "gzip, br"})
    assert big.status_code == 502 and "over 64 bytes" in big.text
    assert binary.status_code == 200 and ok.text == "fine"
    assert upstream.encodings == ["identity"] * 3  # bodies come back as text to be masked
    exchanges = load_capture(capture).exchanges
    assert [e.request.path for e in exchanges] == ["/bin", "/ok"]  # the 502 is not recorded
    assert exchanges[0].request.body == "" and exchanges[0].request.body_size == 9
    assert exchanges[0].request.body_omitted == "not UTF-8 text"
    assert any("over 64 bytes" in line and "not recorded" in line for line in log)

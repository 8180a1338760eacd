"""Hardening: arbitrary bytes never give a 5xx or a stack trace; credentials never appear whole;
shutdown is graceful; start-up failures exit clearly; a bounded soak loses and doubles nothing."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ghl_mock.app import create_app
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings
from ghl_mock.versions import requested
from tests.conftest import DEMO_LOCATION, PIT_FULL, START, headers, mint, scenario_dir
from tests.contract import contract

ROOT = Path(__file__).resolve().parent.parent
APP = create_app(Settings())
_loop = asyncio.new_event_loop()


def call(
    method: bytes, path: bytes, query: bytes, raw_headers: list[tuple[bytes, bytes]]
) -> tuple[int, dict[str, str], bytes]:
    """Drive the app with raw bytes, as a server would after parsing (no client-side validation)."""
    status = 0
    response_headers: dict[str, str] = {}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers.update({k.decode("latin-1"): v.decode("latin-1") for k, v in message["headers"]})
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method.decode("latin-1"),
        "scheme": "http",
        "path": path.decode("utf-8", "replace"),
        "raw_path": path,
        "query_string": query,
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 8080),
    }
    _loop.run_until_complete(APP(scope, receive, send))
    return status, response_headers, b"".join(chunks)


header_bytes = st.binary(max_size=300) | st.text(max_size=100).map(lambda t: t.encode("utf-8")) | st.just(b"<huge>")
names = st.sampled_from(
    [
        b"version",
        b"authorization",
        b"prefer",
        b"x-mock-session",
        b"x-mock-scenario",
        b"origin",
        b"host",
        b"sec-fetch-mode",
        b"accept",
        b"x-other",
    ]
)
PATHS = st.sampled_from(
    [
        START,
        f"/social-media-posting/oauth/{DEMO_LOCATION}/tiktok-business/accounts/x",
        "/social-media-posting/oauth/x/start",
        "/__mock/oauth/tiktok-business/consent",
        "/__mock/oauth/tiktok-business/finish",
        "/__mock/health",
        "/",
    ]
).map(str.encode) | st.binary(min_size=1, max_size=80).map(lambda b: b"/" + b)
METHODS = st.sampled_from([b"GET", b"HEAD", b"POST", b"OPTIONS", b"DELETE", b"TRACE", b"PROPFIND", b"G\xe9T"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=METHODS,
    path=PATHS,
    query=st.binary(max_size=300) | st.just(b"locationId=demo-location&userId=demo-user"),
    raw_headers=st.lists(st.tuples(names, header_bytes), max_size=6),
    good=st.booleans(),
)
def test_arbitrary_requests_never_5xx_and_errors_keep_the_contract(
    method: bytes, path: bytes, query: bytes, raw_headers: list[tuple[bytes, bytes]], good: bool
) -> None:
    raw_headers = [(n, b"x" * 70_000 if v == b"<huge>" else v) for n, v in raw_headers]  # 70 kB values
    if good:  # half the time, a valid Version and token, so the deeper checks run too
        raw_headers = [(b"version", b"2021-07-28"), (b"authorization", f"Bearer {PIT_FULL}".encode()), *raw_headers]
    status, response_headers, body = call(method, path, query, raw_headers)
    assert 200 <= status < 500 or "x-ghl-mock-step" in response_headers, (status, body[:200])
    assert b"Traceback" not in body
    contract().check(
        method.decode("latin-1"),
        path.decode("utf-8", "replace"),
        status,
        response_headers,
        body,
        preflight=method == b"OPTIONS" and any(n == b"access-control-request-method" for n, _ in raw_headers),
        version=requested([(n.lower(), v) for n, v in raw_headers]),
    )


def test_no_stack_trace_reaches_a_response() -> None:
    from starlette.routing import Route

    app = create_app(Settings())

    async def boom(request: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.router.routes.insert(0, Route("/boom", boom))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    async def get() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://m") as client:
            return await client.get("/boom")

    response = asyncio.run(get())
    assert response.status_code == 500
    assert response.json() == {"statusCode": 500, "message": "Internal server error"}
    assert "passwd" not in response.text and "Traceback" not in response.text


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ghl_mock", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def ready_url(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("ghl-mock ready on "), line + (proc.stderr.read() if proc.stderr else "")
    for _ in range(3):
        proc.stdout.readline()  # the example request
    return line.removeprefix("ghl-mock ready on ").strip()


def test_credentials_never_appear_whole_in_the_access_log_or_journal() -> None:
    proc = spawn()
    try:
        base = ready_url(proc)
        jwt_token = mint()
        start = httpx.get(
            f"{base}{START}",
            params={"locationId": DEMO_LOCATION, "userId": "u"},
            headers=headers(jwt_token),
            follow_redirects=False,
        )
        state = start.headers["location"].split("state=")[1]
        httpx.get(start.headers["location"])
        httpx.get(f"{base}{START}", params={"locationId": DEMO_LOCATION, "userId": "u"}, headers=headers(PIT_FULL))
        journal = httpx.get(f"{base}/__mock/journal").text
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    log = out  # ready_url() consumed the banner, which prints the demo PIT on purpose (issue #2)
    for secret in (jwt_token, state, PIT_FULL):
        assert secret not in log, "a credential appears whole in the access log"
        assert secret not in journal, "a credential appears whole in the journal"
        assert secret not in err
    assert "/__mock/oauth/tiktok-business/consent?state=eyJhbG" in log  # shortened, still recognisable


def test_sigterm_lets_in_flight_requests_finish_and_exits_0(tmp_path: Path) -> None:
    directory = scenario_dir(
        tmp_path, {"slow": "description: s\nsteps:\n  - {delay: {fixed_ms: 1500}, repeat: forever}\n"}
    )
    proc = spawn("--scenarios-dir", str(directory), "--scenario", "slow")
    try:
        base = ready_url(proc)

        async def in_flight() -> list[int]:
            async with httpx.AsyncClient(timeout=10) as client:
                requests = [
                    client.get(f"{base}{START}", params={"locationId": DEMO_LOCATION, "userId": "u"}, headers=headers())
                    for _ in range(5)
                ]
                tasks = [asyncio.ensure_future(r) for r in requests]
                await asyncio.sleep(0.4)  # all five are now waiting on the scripted delay
                began = time.monotonic()
                proc.send_signal(signal.SIGTERM)
                responses = await asyncio.gather(*tasks)
                assert time.monotonic() - began < 5
                return [r.status_code for r in responses]

        assert asyncio.run(in_flight()) == [302] * 5
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_unreadable_fixtures_exit_3_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "locations.json").mkdir()  # a directory where a file should be
    (tmp_path / "tokens.json").write_text("{}")
    result = subprocess.run(
        [sys.executable, "-m", "ghl_mock", "serve", "--port", "0", "--fixtures", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=ROOT,
    )
    assert result.returncode == 3
    assert f"{tmp_path / 'locations.json'}: cannot read: Is a directory" in result.stderr
    assert "Traceback" not in result.stderr
    # One line, without a placeholder for the field it has none of (#12)
    assert f"ghl-mock: bad fixtures: {tmp_path / 'locations.json'}: cannot read: Is a directory\n" in result.stderr
    assert ": -:" not in result.stderr


def test_bounded_soak_loses_and_doubles_nothing(tmp_path: Path) -> None:
    """Concurrent clients run start → consent → accounts while a scenario is active; every
    request is answered once, and the journal agrees with what the clients saw."""
    directory = scenario_dir(
        tmp_path, {"flaky": "description: f\nsteps:\n  - {match: {endpoint: accounts}, gateway: 503, repeat: 2}\n"}
    )
    clients, flows = 12, 8
    with LiveServer(create_app(Settings(scenarios_dir=directory, scenarios=["flaky"], journal_size=10_000))) as server:
        base = server.url

        async def client(n: int) -> Counter[tuple[str, int, str]]:
            seen: Counter[tuple[str, int, str]] = Counter()
            session = f"soak-{n}"
            async with httpx.AsyncClient(base_url=base, timeout=15) as http:
                for _ in range(flows):
                    hdrs = {**headers(), "X-Mock-Session": session}
                    start = await http.get(START, params={"locationId": DEMO_LOCATION, "userId": "u"}, headers=hdrs)
                    seen[("start", start.status_code, session)] += 1
                    consent = await http.get(start.headers["location"] + "&outcome=approve")
                    seen[("consent", consent.status_code, session)] += 1
                    finish = await http.get(httpx.URL(start.headers["location"]).join(consent.headers["location"]))
                    seen[("finish", finish.status_code, session)] += 1
                    account = json.loads(finish.text.split('id="ghl-mock-message">')[1].split("</script>")[0])
                    path = f"/social-media-posting/oauth/{DEMO_LOCATION}/tiktok-business/accounts/"
                    accounts = await http.get(path + account["payload"]["accountId"], headers=hdrs)
                    seen[("accounts", accounts.status_code, session)] += 1
            return seen

        async def everyone() -> Counter[tuple[str, int, str]]:
            total: Counter[tuple[str, int, str]] = Counter()
            for counts in await asyncio.gather(*(client(n) for n in range(clients))):
                total.update(counts)
            return total

        seen = asyncio.run(everyone())
        entries = httpx.get(f"{base}/__mock/journal", params={"limit": "100000"}).json()["entries"]

    kinds = {"start": "/start", "consent": "/consent", "finish": "/finish", "accounts": "/accounts/"}
    recorded: Counter[tuple[str, int, str]] = Counter()
    for entry in entries:
        kind = next(k for k, marker in kinds.items() if marker in entry["path"])
        recorded[(kind, entry["status"], entry["session"])] += 1
    assert recorded == seen
    assert len({e["id"] for e in entries}) == len(entries) == clients * flows * 4
    for n in range(clients):  # each session's own position: exactly two 503s, then 200s
        assert seen[("accounts", 503, f"soak-{n}")] == 2
        assert seen[("accounts", 200, f"soak-{n}")] == flows - 2


def test_sigterm_answers_scripted_hangs_at_once(tmp_path: Path) -> None:
    """A hang or a long delay in flight must not hold the shutdown past 5 s or end in a 500."""
    files = {
        "hold": "description: h\nsteps:\n  - {hang: {seconds: 60}, repeat: forever}\n",
        "late": "description: l\nsteps:\n  - {delay: {fixed_ms: 30000}, repeat: forever}\n",
    }
    proc = spawn("--scenarios-dir", str(scenario_dir(tmp_path, files)))
    try:
        base = ready_url(proc)

        async def in_flight() -> list[int]:
            async with httpx.AsyncClient(timeout=20) as client:
                tasks = [
                    asyncio.ensure_future(
                        client.get(
                            f"{base}{START}",
                            params={"locationId": DEMO_LOCATION, "userId": "u"},
                            headers={**headers(), "X-Mock-Scenario": name},
                        )
                    )
                    for name in ("hold", "late", "hold")
                ]
                await asyncio.sleep(0.5)
                began = time.monotonic()
                proc.send_signal(signal.SIGTERM)
                responses = await asyncio.gather(*tasks)
                assert time.monotonic() - began < 3
                return [r.status_code for r in responses]

        assert asyncio.run(in_flight()) == [504, 302, 504]
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate()
    assert "Traceback" not in err and "CancelledError" not in err

"""Scenarios against a real socket: network faults, many concurrent clients, hot reload, start-up."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from ghl_mock.app import create_app
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings
from tests.conftest import DEMO_LOCATION, START, headers, scenario_dir

ROOT = Path(__file__).resolve().parent.parent
QUERY = {"locationId": DEMO_LOCATION, "userId": "demo-user"}
FAULTS = {
    "empty": "description: e\nsteps:\n  - broken: empty_reply\n",
    "truncated": "description: t\nsteps:\n  - broken: truncated_body\n",
    "hang": "description: h\nsteps:\n  - hang: {seconds: 30}\n",
    "slow": "description: s\nsteps:\n  - delay: {fixed_ms: 300}\n",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = scenario_dir(tmp_path_factory.mktemp("live"), FAULTS)
    with LiveServer(create_app(Settings(scenarios_dir=directory))) as server:
        yield server.url


def start(base: str, scenario: str | None = None, timeout: float = 5.0) -> httpx.Response:
    extra = {"X-Mock-Scenario": scenario} if scenario else {}
    return httpx.get(f"{base}{START}", params=QUERY, headers={**headers(), **extra}, timeout=timeout)


def last_entry(base: str) -> dict[str, object]:
    entry: dict[str, object] = httpx.get(f"{base}/__mock/journal", params={"limit": "1"}).json()["entries"][0]
    return entry


def test_empty_reply_closes_the_connection(live: str) -> None:
    httpx.post(f"{live}/__mock/reset")
    with pytest.raises(httpx.RemoteProtocolError):
        start(live, "empty")
    assert last_entry(live)["status"] is None
    assert last_entry(live)["step"] == "empty/1"
    assert start(live, "empty").status_code == 302  # exhausted: normal again


def test_truncated_body_breaks_mid_body(live: str) -> None:
    httpx.post(f"{live}/__mock/reset")
    with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|complete message body"):
        start(live, "truncated")
    assert start(live, "truncated").status_code == 302


def test_hang_outlasts_the_client_timeout(live: str) -> None:
    httpx.post(f"{live}/__mock/reset")
    with pytest.raises(httpx.ReadTimeout):
        start(live, "hang", timeout=0.5)
    assert start(live, "hang").status_code == 302
    assert httpx.get(f"{live}/__mock/health").status_code == 200


def test_delay_is_applied_before_the_normal_answer(live: str) -> None:
    httpx.post(f"{live}/__mock/reset")
    began = time.monotonic()
    response = start(live, "slow")
    assert response.status_code == 302 and response.headers["x-ghl-mock-step"] == "slow/1"
    assert time.monotonic() - began >= 0.3


def test_many_concurrent_clients_consume_one_sequence_exactly_once_in_order(tmp_path: Path) -> None:
    steps = 60
    text = "description: seq\nsteps:\n" + "".join(f"  - raw: {{status: 200, body: '{i}'}}\n" for i in range(steps))
    directory = scenario_dir(tmp_path, {"seq": text})
    sessions = ["alpha", "beta", "gamma"]
    clients_per_session, requests_per_client = 10, 8  # 80 requests per session for 60 steps

    async def client(base: str, session: str) -> list[int]:
        seen = []
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            for _ in range(requests_per_client):
                response = await http.get(
                    START, params=QUERY, headers={**headers(), "X-Mock-Scenario": "seq", "X-Mock-Session": session}
                )
                if "x-ghl-mock-step" in response.headers and response.status_code == 200:
                    index = int(response.text)
                    assert response.headers["x-ghl-mock-step"] == f"seq/{index + 1}"
                    seen.append(index)
                else:
                    assert response.status_code == 302  # exhausted: normal answers
        return seen

    async def run_all(base: str) -> dict[str, list[list[int]]]:
        gathered = await asyncio.gather(*(run_one(base, s) for s in sessions))
        return dict(zip(sessions, gathered, strict=True))

    async def run_one(base: str, session: str) -> list[list[int]]:
        return list(await asyncio.gather(*(client(base, session) for _ in range(clients_per_session))))

    with LiveServer(create_app(Settings(scenarios_dir=directory))) as server:
        results = asyncio.run(run_all(server.url))
    for session, per_client in results.items():
        for seen in per_client:
            assert seen == sorted(seen), f"{session}: a client saw steps out of order"
        served = sorted(i for seen in per_client for i in seen)
        assert served == list(range(steps)), f"{session}: steps served {served}"


def test_hot_reload_keeps_the_last_good_version(tmp_path: Path) -> None:
    directory = scenario_dir(tmp_path, {"w": "description: first\nsteps:\n  - {gateway: 502, repeat: forever}\n"})
    with LiveServer(create_app(Settings(scenarios_dir=directory, watch=True, scenarios=["w"]))) as server:
        assert start(server.url).status_code == 502
        (directory / "w.yaml").write_text("description: second\nsteps:\n  - {gateway: 503, repeat: forever}\n")
        wait_for(lambda: start(server.url).status_code == 503)
        (directory / "w.yaml").write_text("description: broken\nsteps: [{gateway: 999}]\n")
        wait_for(lambda: bool(httpx.get(f"{server.url}/__mock/scenarios").json()["errors"]))
        listing = httpx.get(f"{server.url}/__mock/scenarios").json()
        assert listing["errors"][0]["field"] == "steps[0].gateway"
        assert listing["scenarios"][0]["description"] == "second"
        assert start(server.url).status_code == 503  # the last good version is still active
        (directory / "new.yaml").write_text("description: added\nsteps:\n  - {gateway: 504}\n")
        wait_for(lambda: "new" in {s["name"] for s in httpx.get(f"{server.url}/__mock/scenarios").json()["scenarios"]})


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met within the timeout")


def run_serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ghl_mock", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=ROOT,
    )


def test_serve_refuses_an_invalid_scenario_file(tmp_path: Path) -> None:
    directory = scenario_dir(tmp_path, {"bad": "description: x\nsteps:\n  - {gateway: 418}\n"})
    result = run_serve("--scenarios-dir", str(directory))
    assert result.returncode == 4
    assert f"{directory / 'bad.yaml'}: steps[0].gateway:" in result.stderr


def test_serve_refuses_an_unknown_scenario_name() -> None:
    result = run_serve("--scenario", "no-such-scenario")
    assert result.returncode == 4
    assert "unknown scenario(s) no-such-scenario; loaded: account-not-found" in result.stderr


def test_forwarded_for_does_not_hide_the_socket(live: str) -> None:
    """uvicorn's proxy-header rewriting is off: faults still find their connection."""
    httpx.post(f"{live}/__mock/reset")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(
            f"{live}{START}",
            params=QUERY,
            headers={**headers(), "X-Mock-Scenario": "empty", "X-Forwarded-For": "10.1.2.3"},
        )


def test_an_active_scenario_survives_its_file_briefly_disappearing(tmp_path: Path) -> None:
    directory = scenario_dir(tmp_path, {"w": "description: w\nsteps:\n  - {gateway: 502, repeat: forever}\n"})
    with LiveServer(create_app(Settings(scenarios_dir=directory, watch=True, scenarios=["w"]))) as server:
        listing = f"{server.url}/__mock/scenarios"
        (directory / "w.yaml").rename(tmp_path / "away.yaml")
        wait_for(lambda: not httpx.get(listing).json()["scenarios"])
        (tmp_path / "away.yaml").rename(directory / "w.yaml")
        wait_for(lambda: bool(httpx.get(listing).json()["scenarios"]))
        assert httpx.get(listing).json()["active"] == ["w"]
        assert start(server.url).status_code == 502


def test_watch_needs_an_existing_directory(tmp_path: Path) -> None:
    result = run_serve("--watch", "--scenarios-dir", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "scenarios_dir (--scenarios-dir / GHL_MOCK_SCENARIOS_DIR)" in result.stderr
    assert "is not a directory of scenario files" in result.stderr

"""The CLI: `ghl-mock token`, settings errors, and `ghl-mock serve` as a real process."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from click.testing import CliRunner

from ghl_mock.cli import main
from ghl_mock.platforms import SOCIAL_PLANNER_SCOPES
from ghl_mock.settings import DEFAULT_SECRET, Settings
from tests.conftest import START

ROOT = Path(__file__).resolve().parent.parent


def run_token(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    result = CliRunner().invoke(main, ["token", *args], env=env)
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    secret = (env or {}).get("GHL_MOCK_SECRET", DEFAULT_SECRET)
    claims: dict[str, object] = jwt.decode(token, secret, algorithms=["HS256"])
    return claims


def test_token_defaults_to_a_location_token_with_every_social_planner_scope() -> None:
    claims = run_token("--location-id", "L1")
    assert claims["authClass"] == "Location"
    assert claims["authClassId"] == "L1"
    assert claims["oauthMeta"] == {"scopes": list(SOCIAL_PLANNER_SCOPES)}
    assert isinstance(claims["exp"], int) and isinstance(claims["iat"], int)
    assert claims["exp"] - claims["iat"] == 86399


def test_token_scopes_company_and_expiry() -> None:
    claims = run_token("--company-id", "C1", "--scope", "a/b", "--scope", "c/d", "--expires-in", "60")
    assert (claims["authClass"], claims["authClassId"]) == ("Company", "C1")
    assert claims["oauthMeta"] == {"scopes": ["a/b", "c/d"]}
    assert claims["exp"] - claims["iat"] == 60  # type: ignore[operator]


def test_token_uses_the_configured_secret() -> None:
    secret = "s" * 40
    assert run_token("--location-id", "L", env={"GHL_MOCK_SECRET": secret})["authClassId"] == "L"


@pytest.mark.parametrize("args", [[], ["--location-id", "L", "--company-id", "C"]], ids=["neither", "both"])
def test_token_needs_exactly_one_owner(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["token", *args])
    assert result.exit_code == 2
    assert "exactly one of --location-id" in result.output


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"GHL_MOCK_PORT": "abc"}, "port"),
        ({"GHL_MOCK_PORT": "70000"}, "port"),
        ({"GHL_MOCK_SECRET": "short"}, "secret"),
        ({"GHL_MOCK_STATE_TTL": "0"}, "state_ttl"),
    ],
)
def test_bad_settings_exit_2_naming_the_field(env: dict[str, str], field: str) -> None:
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 2
    where = (
        f"GHL_MOCK_{field.upper()}" if field == "secret" else f"--{field.replace('_', '-')} / GHL_MOCK_{field.upper()}"
    )
    assert f"{field} ({where})" in result.output


def test_bad_option_value_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "-1"])
    assert result.exit_code == 2
    assert "port" in result.output


# --- the real process -------------------------------------------------------------------------


def spawn(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ghl_mock", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def read_line(proc: subprocess.Popen[str], timeout: float = 10.0) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            return line.rstrip("\n")
        if proc.poll() is not None:
            break
        time.sleep(0.01)
    raise AssertionError(f"no line from ghl-mock (exit {proc.poll()}): {proc.stderr.read() if proc.stderr else ''}")


@pytest.fixture
def server() -> Iterator[tuple[subprocess.Popen[str], str, list[str]]]:
    proc = spawn("--port", "0")
    try:
        ready = read_line(proc)
        match = re.fullmatch(r"ghl-mock ready on (http://127\.0\.0\.1:(\d+))", ready)
        assert match, ready
        example = [read_line(proc) for _ in range(3)]
        yield proc, match.group(1), example
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=5)  # reaps the process and closes its pipes


def test_serve_prints_one_ready_line_and_a_working_example(
    server: tuple[subprocess.Popen[str], str, list[str]],
) -> None:
    proc, base, example = server
    assert example[0].startswith("Try it")
    command = shlex.split(" ".join(line.rstrip("\\") for line in example[1:]))
    assert command[:2] == ["curl", "-i"]
    url = command[2]
    assert url.startswith(f"{base}{START}?")
    hdrs = dict(h.split(": ", 1) for h in command[4::2])
    response = httpx.get(url, headers=hdrs, follow_redirects=False)
    assert response.status_code == 302
    consent = httpx.get(response.headers["location"])
    assert consent.status_code == 200
    assert httpx.get(f"{base}/__mock/health").json() == {"status": "ok"}
    # The access log follows, one line per request, without the bearer token.
    log = [read_line(proc) for _ in range(3)]
    assert START in log[0] and log[0].endswith("302 Found")
    assert "/__mock/oauth/tiktok-business/consent" in log[1]
    assert all("pit-" not in line for line in log)


def test_sigterm_shuts_down_cleanly(server: tuple[subprocess.Popen[str], str, list[str]]) -> None:
    proc, base, _ = server
    assert httpx.get(f"{base}/__mock/health").status_code == 200
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    assert time.monotonic() - started < 5


def test_port_in_use_exits_1_naming_the_cause() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = spawn("--port", str(port))
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "in use" in err


def test_bad_fixtures_exit_3_naming_file_field_and_reason(tmp_path: Path) -> None:
    (tmp_path / "locations.json").write_text('{"defaultAccounts": {"tiktok": [{"id": "p", "name": "n"}]}}')
    (tmp_path / "tokens.json").write_text("{}")
    proc = spawn("--port", "0", "--fixtures", str(tmp_path))
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 3
    assert f"{tmp_path / 'locations.json'}: defaultAccounts.tiktok[0].username: required" in err


def test_python_dash_m_and_console_script_agree() -> None:
    script = Path(sys.executable).parent / "ghl-mock"
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True).stdout
    assert "0.1.0" in out


def test_readme_curl_example_works_as_written(server: tuple[subprocess.Popen[str], str, list[str]]) -> None:
    _, base, _ = server
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(curl -i 'http://127\.0\.0\.1:8080/.*?)\n```", readme, re.S)
    assert block, "README lost its curl example"
    command = shlex.split(block.group(1).replace("\\\n", " ").replace("http://127.0.0.1:8080", base))
    assert command[:2] == ["curl", "-i"]
    hdrs = dict(h.split(": ", 1) for h in command[4::2])
    response = httpx.get(command[2], headers=hdrs, follow_redirects=False)
    assert response.status_code == 302
    without_version = {k: v for k, v in hdrs.items() if k != "Version"}
    missing = httpx.get(command[2], headers=without_version)
    assert missing.status_code == 401
    assert missing.text == '{"statusCode":401,"message":"version header was not found."}'
    assert missing.headers["x-ghl-mock-rule"] == "version_missing"


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """The Settings `ghl-mock serve` would run with (the server itself is not started)."""
    seen: list[Settings] = []

    def fake_serve(settings: Settings) -> int:
        seen.append(settings)
        return 0

    monkeypatch.setattr("ghl_mock.server.serve", fake_serve)
    return seen


def test_serve_options_reach_the_settings(captured: list[Settings]) -> None:
    args = (
        "--port 0 --post-message-origin http://localhost:5173 --consent-outcome cancel --browser-navigation strict "
        "--cors-origin http://a.test --cors-origin http://b.test:* --strict-version --scenario rate-limited "
        "--scenario hang --watch --seed 7 --journal-size 50 --allow-remote-control"
    )
    result = CliRunner().invoke(main, ["serve", *args.split()])
    assert result.exit_code == 0, result.output
    (settings,) = captured
    expected = {
        "port": 0,
        "post_message_origin": "http://localhost:5173",
        "consent_outcome": "cancel",
        "browser_navigation": "strict",
        "cors_origins": ["http://a.test", "http://b.test:*"],
        "strict_version": True,
        "scenarios": ["rate-limited", "hang"],
        "watch": True,
        "seed": 7,
        "journal_size": 50,
        "allow_remote_control": True,
    }
    assert settings.model_dump(include=set(expected)) == expected


def test_no_cors_flag(captured: list[Settings]) -> None:
    assert CliRunner().invoke(main, ["serve", "--no-cors"]).exit_code == 0
    assert captured[0].cors_origins == []


def test_environment_feeds_settings_and_options_win(captured: list[Settings]) -> None:
    env = {"GHL_MOCK_PORT": "9999", "GHL_MOCK_CONSENT_OUTCOME": "approve", "GHL_MOCK_CORS_ORIGINS": '["http://x.test"]'}
    result = CliRunner().invoke(main, ["serve", "--port", "1234"], env=env)
    assert result.exit_code == 0, result.output
    (settings,) = captured
    assert (settings.port, settings.consent_outcome, settings.cors_origins) == (
        1234,
        "approve",
        ["http://x.test"],
    )

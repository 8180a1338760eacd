"""Hardening, second round (#12): files the user gives that are deep, huge or broken get file, field
and reason and the documented exit code; a running server keeps its last good configuration."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from ghl_mock.app import create_app
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings, default_fixtures_dir
from tests.conftest import scenario_dir
from tests.test_scenarios_live import ROOT, run_serve, start, wait_for

DEEP = "[" * 5000 + "]" * 5000


def test_a_deeply_nested_scenario_file_is_reported_not_a_traceback(tmp_path: Path) -> None:
    directory = scenario_dir(tmp_path, {})
    (directory / "deep.json").write_text(DEEP)
    served = run_serve("--scenarios-dir", str(directory))
    assert served.returncode == 4, served.stderr
    assert f"{directory / 'deep.json'}: nested too deeply" in served.stderr
    assert "Traceback" not in served.stderr
    validated = subprocess.run(
        [sys.executable, "-m", "ghl_mock", "scenarios", "validate", str(directory / "deep.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert validated.returncode == 1 and "invalid  " in validated.stdout and "Traceback" not in validated.stderr
    (directory / "deep.json").unlink()
    (directory / "deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert run_serve("--scenarios-dir", str(directory)).returncode == 4


def test_a_deeply_nested_tokens_file_exits_3(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), fixtures)
    (fixtures / "tokens.json").write_text(DEEP)
    served = run_serve("--fixtures", str(fixtures))
    assert served.returncode == 3, served.stderr
    assert f"{fixtures / 'tokens.json'}: nested too deeply" in served.stderr


def test_an_oversized_scenario_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    directory = scenario_dir(tmp_path, {})
    (directory / "huge.yaml").write_text("description: x\nsteps:\n  - {gateway: 502}\n" + "#" * 2_000_000 + "\n")
    served = run_serve("--scenarios-dir", str(directory))
    assert served.returncode == 4 and "larger than the 1,000,000 bytes" in served.stderr, served.stderr


def test_the_watcher_survives_a_deep_file_and_picks_up_later_edits(tmp_path: Path) -> None:
    directory = scenario_dir(tmp_path, {"w": "description: first\nsteps:\n  - {gateway: 502, repeat: forever}\n"})
    with LiveServer(create_app(Settings(scenarios_dir=directory, watch=True, scenarios=["w"]))) as server:
        (directory / "deep.json").write_text(DEEP)
        wait_for(lambda: bool(httpx.get(f"{server.url}/__mock/scenarios").json()["errors"]))
        errors = httpx.get(f"{server.url}/__mock/scenarios").json()["errors"]
        assert errors[0]["reason"].startswith("nested too deeply")
        assert start(server.url).status_code == 502  # the good scenario still answers
        (directory / "w.yaml").write_text("description: second\nsteps:\n  - {gateway: 503, repeat: forever}\n")
        wait_for(lambda: start(server.url).status_code == 503)  # the loop is alive


def test_scenarios_validate_reports_every_problem_of_a_file_in_plain_words(tmp_path: Path) -> None:
    directory = scenario_dir(
        tmp_path,
        {
            "many": """\
                steps:
                  - match: {endpoint: strat}
                    gateway: 501
                    repeat: lots
                  - match: {endpoint: start}
                    error: {rule: token_invalid_jvt}
                extra: 1
            """
        },
    )
    validated = subprocess.run(
        [sys.executable, "-m", "ghl_mock", "scenarios", "validate", str(directory / "many.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert validated.returncode == 1, validated.stdout + validated.stderr
    lines = [line.removeprefix(f"invalid  {directory / 'many.yaml'}: ") for line in validated.stdout.splitlines()]
    assert lines[:-1] == [
        "description: required",
        "steps[0].match.endpoint: expected one of 'start', 'accounts', 'attach', 'list', 'delete', 'consent',"
        " 'finish' or 'any', got 'strat' (did you mean 'start'?)",
        "steps[0].repeat: expected a whole number or 'forever', got 'lots'",
        "steps[0].gateway: expected one of 500, 502, 503 or 504, got 501",
        "steps[1].error.rule: expected one of 'version_missing', 'version_unknown', 'version_malformed',"
        " 'token_invalid_jwt', 'token_invalid_pit', 'token_company_oauth', 'token_agency_pit',"
        " 'token_missing_scope', 'body_malformed', 'body_too_large', 'query_invalid', 'body_invalid',"
        " 'location_forbidden', 'platform_retired', 'platform_unsupported', 'account_not_found',"
        " 'origin_not_found' or 'social_account_not_found', got 'token_invalid_jvt' (did you mean"
        " 'token_invalid_jwt'?)",
        "extra: not a field here",
    ], validated.stdout
    assert lines[-1] == "0 valid, 1 invalid"
    for pydantic_words in ("Input should", "Field required", "Extra inputs", "literal["):
        assert pydantic_words not in validated.stdout

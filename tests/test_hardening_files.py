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


def test_a_deep_or_aliased_value_under_an_unknown_key_is_reported_not_a_traceback(tmp_path: Path) -> None:
    """The reasons name a list or mapping, never print it: its repr would recurse (990 levels in
    2 kB) or run for minutes (a YAML alias bomb of a few hundred bytes)."""
    deep = "[" * 990 + "]" * 990
    chain = "".join(f"x{i}: &x{i} [*x{i - 1}]\n" for i in range(1, 5000))
    bomb = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    directory = scenario_dir(
        tmp_path,
        {
            "deep": f"description: x\nsteps: [{{match: {{endpoint: accounts}}}}]\nextra: {deep}\n",
            "chain": f"description: x\nsteps: [{{match: {{endpoint: accounts}}}}]\nx0: &x0 [1]\n{chain}",
            "bomb": f"description: x\nsteps: [{{match: {{endpoint: accounts}}}}]\n{bomb}",
        },
    )
    for name in ("deep", "chain", "bomb"):
        validated = subprocess.run(
            [sys.executable, "-m", "ghl_mock", "scenarios", "validate", str(directory / f"{name}.yaml")],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert validated.returncode == 1 and "Traceback" not in validated.stderr, (name, validated.stderr[-500:])
        assert "not a field here" in validated.stdout, validated.stdout
    served = run_serve("--extra-scenarios", str(directory))
    assert served.returncode == 4 and "Traceback" not in served.stderr, served.stderr[-500:]
    with LiveServer(create_app(Settings())) as server:
        body = f"name: deep\ndescription: x\nsteps: [{{match: {{endpoint: accounts}}}}]\nextra: {deep}\n"
        answer = httpx.post(
            f"{server.url}/__mock/scenarios", content=body, headers={"Content-Type": "application/yaml"}
        )
        assert answer.status_code in (400, 422), answer.text  # a clear refusal, never a 500


def test_a_file_that_lies_about_its_size_is_read_no_further_than_the_cap(tmp_path: Path) -> None:
    directory = scenario_dir(tmp_path, {})
    (directory / "zero.yaml").symlink_to("/dev/zero")  # reports 0 bytes, never ends
    validated = subprocess.run(
        [sys.executable, "-m", "ghl_mock", "scenarios", "validate", str(directory / "zero.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert validated.returncode == 1 and "Traceback" not in validated.stderr, validated.stderr[-500:]
    assert "more than 1,000,000 bytes: larger than the 1,000,000 bytes" in validated.stdout, validated.stdout

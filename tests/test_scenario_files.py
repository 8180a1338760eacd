"""Scenario files: the shipped library loads, bad files name file/field/reason, the CLI, the schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ghl_mock.cli import main
from ghl_mock.rules import RULES
from ghl_mock.scenarios.loader import ScenarioError, load_directory, load_file
from ghl_mock.scenarios.model import json_schema
from ghl_mock.settings import default_scenarios_dir

LIBRARY = default_scenarios_dir()


def test_the_library_loads_without_errors() -> None:
    result = load_directory(LIBRARY)
    assert result.errors == []
    assert len(result.scenarios) >= 30
    assert all(loaded.scenario.description for loaded in result.scenarios.values())


def test_the_library_covers_every_documented_error_and_fault() -> None:
    steps = [step for loaded in load_directory(LIBRARY).scenarios.values() for step in loaded.scenario.steps]
    assert {step.error.rule for step in steps if step.error} == {rule.name for rule in RULES}
    assert {step.gateway for step in steps if step.gateway} == {500, 502, 503, 504}
    assert {step.broken for step in steps if step.broken} == {"truncated_body", "malformed_json", "empty_reply"}
    assert {step.consent for step in steps if step.consent} == {
        "approve",
        "cancel",
        "approve_reconnect",
        "never_post",
        "reject_account",
    }
    assert any(step.rate_limit for step in steps)
    assert any(step.hang for step in steps)
    assert any(step.delay and step.delay.fixed_ms for step in steps)
    assert any(step.delay and step.delay.min_ms is not None for step in steps)


def test_the_schema_copy_is_current() -> None:
    kept = json.loads((LIBRARY / "scenario.schema.json").read_text())
    assert kept == json_schema(), "scenarios/scenario.schema.json is stale: ghl-mock scenarios schema > it"


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("description: [unclosed", "line 2 column 1", "invalid YAML"),
        ("steps: [{}]", "description", "required"),
        ("description: x\nsteps: []", "steps", "at least 1 item"),
        ("description: x\nsteps: [{error: {rule: nope}}]", "steps[0].error.rule", "expected one of 'version_missing'"),
        ("description: x\nsteps: [{gateway: 501}]", "steps[0].gateway", "500, 502, 503 or 504, got 501"),
        ("description: x\nsteps: [{repeat: 0}]", "steps[0].repeat", "must be at least 1, got 0"),
        ("description: x\nsteps: [{repeat: sometimes}]", "steps[0].repeat", "forever"),
        ("description: x\nsteps: [{gateway: 502, hang: {}}]", "steps[0]", "a step does one thing"),
        ("description: x\nsteps: [{consent: approve}]", "steps[0]", "needs match.endpoint: consent"),
        ("description: x\nsteps: [{match: {endpoint: consent}, gateway: 502}]", "steps[0]", "consent actions"),
        ("description: x\nsteps: [{delay: {min_ms: 5}}]", "steps[0].delay", "both min_ms and max_ms"),
        ("description: x\nsteps: [{delay: {min_ms: 9, max_ms: 5}}]", "steps[0].delay", "must not exceed"),
        ("description: x\nsteps: [{match: {endpoint: home}}]", "steps[0].match.endpoint", "expected one of 'start'"),
        ("description: x\nwhen_exhausted: loop\nsteps: [{}]", "when_exhausted", "expected one of 'fall_through'"),
        ("description: x\nsteps: [{}]\nextra: 1", "extra", "not a field here"),
        ('description: "two\\nlines"\nsteps: [{}]', "description", "must be one line of text"),
        ("- just\n- a list", "(top level)", "expected a mapping of names to values"),
    ],
)
def test_a_bad_file_names_file_field_and_reason(tmp_path: Path, text: str, field: str, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_file(path)
    assert (caught.value.file, caught.value.field) == (path, field)
    assert reason in caught.value.reason


def test_json_files_and_bad_names(tmp_path: Path) -> None:
    good = tmp_path / "ok.json"
    good.write_text(json.dumps({"description": "x", "steps": [{"gateway": 503}]}))
    assert load_file(good).scenario.steps[0].gateway == 503
    bad = tmp_path / "Bad Name.yaml"
    bad.write_text("description: x\nsteps: [{}]")
    with pytest.raises(ScenarioError, match="lowercase"):
        load_file(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(ScenarioError, match="invalid JSON"):
        load_file(broken)


def test_a_directory_reports_each_bad_file_and_keeps_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("description: fine\nsteps: [{gateway: 502}]")
    (tmp_path / "bad.yaml").write_text("description: broken\nsteps: 3")
    (tmp_path / "good.json").write_text('{"description": "dup", "steps": [{}]}')
    (tmp_path / "notes.txt").write_text("ignored")
    result = load_directory(tmp_path)
    assert sorted(result.scenarios) == ["good"]
    assert sorted((e.file.name, e.field) for e in result.errors) == [
        ("bad.yaml", "steps"),
        ("good.yaml", "(file name)"),
    ]


def test_cli_list_validate_and_schema(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["scenarios", "list"])
    assert listed.exit_code == 0
    assert "rate-limited" in listed.output and "Three burst 429s" in listed.output
    valid = runner.invoke(main, ["scenarios", "validate"])
    assert valid.exit_code == 0
    assert valid.output.strip().endswith("30 valid, 0 invalid") or " 0 invalid" in valid.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("description: x\nsteps: [{gateway: 418}]")
    invalid = runner.invoke(main, ["scenarios", "validate", str(bad)])
    assert invalid.exit_code == 1
    assert f"invalid  {bad}: steps[0].gateway:" in invalid.output
    schema = runner.invoke(main, ["scenarios", "schema"])
    assert json.loads(schema.output)["title"] == "ghl-mock scenario"
    broken_dir = runner.invoke(main, ["scenarios", "list", "--scenarios-dir", str(tmp_path)])
    assert broken_dir.exit_code == 1
    assert "invalid scenario file" in broken_dir.output


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{status: 200, headers: {X-A: "日本"}}', "one line of latin-1 text"),
        ('{status: 200, headers: {X-A: "a\\r\\nSet-Cookie: x"}}', "one line of latin-1 text"),
        ('{status: 200, headers: {"Bad Name": v}}', "not a valid HTTP token"),
        ('{status: 200, headers: {Content-Length: "5"}}', "set by the server"),
        ("{status: 204, body: hi}", "has no body"),
        ("{status: 101}", "must be at least 200"),
    ],
)
def test_raw_steps_that_could_not_be_sent_are_refused_at_load(tmp_path: Path, raw: str, reason: str) -> None:
    path = tmp_path / "raw.yaml"
    path.write_text(f"description: x\nsteps:\n  - raw: {raw}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_file(path)
    assert caught.value.field.startswith("steps[0].raw")
    assert reason in caught.value.reason


def test_yaml_scalars_in_match_conditions_are_compared_as_text(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("description: x\nsteps:\n  - match: {headers: {Version: 2021-07-28}, query: {limit: 5}}\n")
    match = load_file(path).scenario.steps[0].match
    assert (match.headers, match.query) == ({"Version": "2021-07-28"}, {"limit": "5"})
    empty = tmp_path / "e.yaml"
    empty.write_text("description: x\nsteps:\n  - match: {method: ''}\n")
    with pytest.raises(ScenarioError, match="at least 1 character"):
        load_file(empty)

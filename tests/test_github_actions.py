"""The GitHub Actions examples work as written: their steps run in order, as a runner would run them,
on a copy of an example project, with GHL_MOCK_PACKAGE set to the wheel built from this checkout.

What a runner's actions do is stood in for: ``actions/checkout`` copies the project,
``actions/setup-python`` puts a new venv's Python first on PATH (its pip installs there, as on a
runner), ``actions/setup-node`` checks the machine's Node.js. Everything in ``run:`` runs unchanged
with ``bash -e -o pipefail``, the runner's shell; only the port 8080 becomes a free one, so a
developer's own ``make run`` is not disturbed."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_examples import node_tools
from tests.test_install import free_port, fresh_copy

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "examples" / "github-actions"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp / "dist"), str(fresh_copy(tmp / "src"))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = (tmp / "dist").glob("ghl_mock-*.whl")
    return found


def expand(text: str, variables: dict[str, str]) -> str:
    """GitHub's ``${{ vars.NAME }}`` expressions (the only ones the examples use)."""

    def value(match: re.Match[str]) -> str:
        return variables[match.group(1)]

    return re.sub(r"\$\{\{\s*vars\.(\w+)\s*\}\}", value, text)


def run_job(workflow: Path, project: Path, work: Path, variables: dict[str, str]) -> list[str]:
    """Run the job's steps like a runner; returns the names of the steps that ran, in order."""
    port = str(free_port())
    job: dict[str, Any] = yaml.safe_load(expand(workflow.read_text(), variables).replace("8080", port))["jobs"]["test"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GHL_MOCK_", "PYTEST_", "VIRTUAL_ENV", "PIP_"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(ROOT)))
    env |= {name: "" if value is None else str(value) for name, value in job.get("env", {}).items()}
    ran: list[str] = []
    failed = False
    try:
        for step in job["steps"]:
            if "uses" in step:
                action = step["uses"].split("@")[0]
                if action == "actions/checkout":
                    shutil.copytree(project, work, ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
                elif action == "actions/setup-python":
                    venv.EnvBuilder(with_pip=True).create(work.parent / "runner-python")
                    env["PATH"] = f"{work.parent / 'runner-python' / 'bin'}{os.pathsep}{env['PATH']}"
                elif action == "actions/setup-node":
                    node_tools()  # the machine's Node.js 18+ and npm, or a loud skip (a failure in CI)
                else:
                    raise AssertionError(f"the example uses an action this test cannot stand in for: {action}")
                ran.append(action)
                continue
            if (step.get("if") == "failure()") != failed:
                continue  # after a failure only the failure() steps run; before it, only the others
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
                cwd=work,
                env={**env, **{k: str(v) for k, v in step.get("env", {}).items()}},
                capture_output=True,
                text=True,
                timeout=600,
            )
            ran.append(step["name"])
            if done.returncode != 0:
                failed = True
                ran.append(f"FAILED: {step['name']}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    finally:
        pid_file = work / "ghl-mock.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
    return ran


def test_the_python_workflow_runs_the_python_example(wheel: Path, tmp_path: Path) -> None:
    ran = run_job(
        WORKFLOWS / "python.yml",
        ROOT / "examples" / "python-client",
        tmp_path / "repo",
        {"GHL_MOCK_PACKAGE": str(wheel)},
    )
    assert ran == [
        "actions/checkout",
        "actions/setup-python",
        "Install ghl-mock and pytest",
        "Start ghl-mock",
        "Wait for ghl-mock",
        "Test",
    ], "\n".join(ran)


def test_a_workflow_without_the_package_variable_says_what_to_set(tmp_path: Path) -> None:
    ran = run_job(
        WORKFLOWS / "python.yml", ROOT / "examples" / "python-client", tmp_path / "repo", {"GHL_MOCK_PACKAGE": ""}
    )
    assert ran[2].startswith("Install") and ran[3].startswith("FAILED: Install"), "\n".join(ran)
    assert "set the repository variable GHL_MOCK_PACKAGE" in ran[3]
    assert (
        "Test" not in ran and "ghl-mock journal and log (on failure)" in ran
    )  # as a runner: skipped, then the failure step


def test_the_node_workflow_runs_the_node_example(wheel: Path, tmp_path: Path) -> None:
    """The Node example as a user's repository holds it: the helper beside it where its
    ``file:../../js`` dependency points, as in this repository."""
    shutil.copytree(ROOT / "js", tmp_path / "js", ignore=shutil.ignore_patterns("node_modules"))
    ran = run_job(
        WORKFLOWS / "node.yml",
        ROOT / "examples" / "node-sdk",
        tmp_path / "examples" / "node-sdk",
        {"GHL_MOCK_PACKAGE": str(wheel)},
    )
    assert ran == [
        "actions/checkout",
        "actions/setup-python",
        "actions/setup-node",
        "Install ghl-mock",
        "Start ghl-mock",
        "Wait for ghl-mock",
        "Install the project",
        "Test",
    ], "\n".join(ran)

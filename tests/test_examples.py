"""The examples work as their READMEs say: the Python client suite (in-process and against a
server), the Node SDK example, and the GitHub Actions job's start-and-wait steps."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ghl_mock.app import create_app
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> str:
    result = subprocess.run(
        command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.parametrize("remote", [False, True], ids=["in-process", "GHL_MOCK_URL"])
def test_python_client_example(remote: bool) -> None:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLES / "python-client")]
    if not remote:
        out = run(command, ROOT, env={"GHL_MOCK_URL": ""})
    else:
        with LiveServer(create_app(Settings())) as server:
            out = run(command, ROOT, env={"GHL_MOCK_URL": server.url})
    assert "9 passed" in out


def node_tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
        if int(version.lstrip("v").split(".")[0]) >= 18:
            return node, npm
    reason = "NODE SDK EXAMPLE NOT RUN: Node.js 18+ and npm are needed (apt-get install nodejs npm)"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def test_node_sdk_example() -> None:
    node, npm = node_tools()
    example = EXAMPLES / "node-sdk"
    modules = example / "node_modules"
    installed = modules / ".package-lock.json"  # npm's record of what node_modules holds
    stale = (
        not (modules / "@gohighlevel" / "api-client").is_dir()
        or not installed.is_file()
        or installed.stat().st_mtime < (example / "package-lock.json").stat().st_mtime
        # "file:../../js" is a symlink to this checkout's helper (a copied tree would be stale)
        or (modules / "ghl-mock").resolve() != ROOT / "js"
    )
    if stale:
        run([npm, "ci", "--no-audit", "--no-fund"], example)
    # Each test file starts its own mock with this command (GhlMock.start()); no GHL_MOCK_URL.
    env = {"GHL_MOCK_COMMAND": f"{sys.executable} -m ghl_mock serve", "GHL_MOCK_URL": ""}
    out = run([node, "--test", "--test-reporter=tap"], example, env=env, timeout=120)
    assert "# pass 11" in out and "# fail 0" in out, out

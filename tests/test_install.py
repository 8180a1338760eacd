"""The lean install: `make run` on a fresh copy installs the runtime only and passes ARGS; the wheel
builds with `python -m build`, installs as a tool with pipx and uv, and serves from its own data
(scenario library, templates, demo fixtures, the OpenAPI files) far from the repository."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What a fresh clone holds that `make run` uses.
SOURCES = ("pyproject.toml", "README.md", "Makefile", "ghl_mock", "fixtures", "scenarios")
#: The test tools `make test` adds; `make run` must install none of them.
TEST_TOOLS = {"pytest", "mypy", "ruff", "playwright", "schemathesis", "hypothesis", "pytest-xdist", "build", "uv"}
#: The distribution names ghl-mock needs at run time, with what they need: read from the installed
#: metadata inside the new venv (pip's vendored `packaging` evaluates the markers).
CLOSURE = """
import json, sys
from importlib import metadata
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name
seen, todo = set(), [("ghl-mock", frozenset())]
while todo:
    name, extras = todo.pop()
    key = canonicalize_name(name)
    if (key, extras) in seen:
        continue
    seen.add((key, extras))
    for line in metadata.requires(name) or []:
        req = Requirement(line)
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (extras or {""})):
            todo.append((req.name, frozenset(req.extras)))
print(json.dumps(sorted({k for k, _ in seen})))
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_copy(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    return target


def wait_healthy(url: str, process: subprocess.Popen[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"the server exited with {process.returncode}: {process.stdout and process.stdout.read()}"
            )
        try:
            if httpx.get(f"{url}/__mock/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"no answer from {url} within {timeout} s")


def stop(process: subprocess.Popen[str]) -> str:
    """Stop the server (its whole process group: `make` and what it started); its output."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    assert process.stdout is not None
    with process.stdout:
        return process.stdout.read()


def installed(python: Path) -> set[str]:
    listing = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {entry["name"].lower().replace("_", "-") for entry in json.loads(listing.stdout)}


@pytest.fixture
def clean_env() -> Iterator[dict[str, str]]:
    """The environment of a new shell: no venv of ours, no GHL_MOCK_* settings, no pytest plugins."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GHL_MOCK_", "PYTEST_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(ROOT)))
    yield env


def test_make_run_on_a_fresh_copy_installs_the_runtime_only(tmp_path: Path, clean_env: dict[str, str]) -> None:
    repo = fresh_copy(tmp_path / "clone")
    port = free_port()
    args = "--scenario rate-limited --no-access-log"
    python = shutil.which("python3") or sys.executable
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}", f"ARGS={args}", f"PYTHON={python}"],
        cwd=repo,
        env=clean_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, timeout=300)
        assert httpx.get(f"{url}/__mock/scenarios").json()["active"] == ["rate-limited"]  # ARGS reached serve
    finally:
        stop(process)
    venv_python = repo / ".venv" / "bin" / "python"
    have = installed(venv_python) - {"pip", "setuptools", "wheel"}
    closure = subprocess.run([str(venv_python), "-c", CLOSURE], capture_output=True, text=True, check=True)
    needed = set(json.loads(closure.stdout))
    assert not have & TEST_TOOLS, sorted(have & TEST_TOOLS)
    # The installed set is exactly ghl-mock and what its runtime requirements pull in.
    assert have == needed, {"installed, not needed": sorted(have - needed), "needed, missing": sorted(needed - have)}


def test_the_wheel_builds_and_serves_from_its_own_data_as_a_pipx_and_uv_tool(
    tmp_path: Path, clean_env: dict[str, str]
) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(fresh_copy(tmp_path / "src"))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = dist.glob("ghl_mock-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    library = sorted(p.name for p in (ROOT / "scenarios").iterdir())
    for packed in (
        *(f"ghl_mock/_scenarios/{name}" for name in library),
        "ghl_mock/_demo_fixtures/locations.json",
        "ghl_mock/_openapi/apps/social-media-posting.json",
        "ghl_mock/templates/consent.html",
        "ghl_mock/static/finish.js",
        "ghl_mock/py.typed",
    ):
        assert packed in names, packed
    assert not any(name.startswith(("tests/", "bench/", "examples/")) for name in names)

    bin_dir = tmp_path / "bin"
    env = {
        **clean_env,
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(bin_dir / "pipx"),
        "UV_TOOL_DIR": str(tmp_path / "uv-tools"),
        "UV_TOOL_BIN_DIR": str(bin_dir / "uv"),
        "UV_PYTHON": sys.executable,
    }
    tools = Path(sys.executable).parent
    for installer, command in (
        ("pipx", [str(tools / "pipx"), "install", "--python", sys.executable, str(wheel)]),
        ("uv", [str(tools / "uv"), "tool", "install", str(wheel)]),
    ):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, (installer, done.stdout + done.stderr)
        serve_from(bin_dir / installer / "ghl-mock", tmp_path, env, len([n for n in library if n.endswith(".yaml")]))


def serve_from(executable: Path, cwd: Path, env: dict[str, str], scenarios: int) -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(executable), "serve", "--port", str(port), "--no-access-log"],
        cwd=cwd,  # far from the repository: the tool serves its own copies
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, timeout=60)
        listing = httpx.get(f"{url}/__mock/scenarios").json()
        assert len(listing["scenarios"]) == scenarios and listing["errors"] == []
        assert all("/_scenarios/" in s["file"] for s in listing["scenarios"])  # the packed library
        message = httpx.post(f"{url}/__mock/connect", json={}).json()  # fixtures and the flow
        assert message["payload"]["accountId"]
        token = httpx.post(f"{url}/__mock/tokens", json={}).json()["token"]
        start = httpx.get(
            f"{url}/social-media-posting/oauth/facebook/start",
            params={"locationId": "demo-location", "userId": "u"},
            headers={"Authorization": f"Bearer {token}", "Version": "2021-07-28"},
        )
        consent = httpx.get(start.headers["location"])  # a template
        assert consent.status_code == 200 and "Demo Bakery" in consent.text
        assert httpx.get(f"{url}/openapi.json").json()["paths"]  # the packed OpenAPI copy
    finally:
        stop(process)
    module = subprocess.run(
        [str(executable.resolve().parent / "python"), "-m", "ghl_mock", "--version"], capture_output=True, text=True
    )
    assert module.returncode == 0 and module.stdout.startswith("ghl-mock, version "), module.stdout + module.stderr

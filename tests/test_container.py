"""The container image: container/build.sh builds it (its base from Debian's packages, no registry),
and it serves as a non-root user, reports healthy through `ghl-mock health`, answers the OAuth start
through a published port, keeps the control API from the host unless --allow-remote-control, and
stops cleanly. Needs root and podman (and debootstrap for the first base build); CI installs them
(.ci/run). Without podman it skips loudly, but in CI (CI=true or GHL_MOCK_REQUIRE_CONTAINER=1) it fails."""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ghl_mock.platforms import SOCIAL_PLANNER_SCOPES
from ghl_mock.settings import DEFAULT_SECRET
from ghl_mock.tokens import mint_token

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "container" / "build.sh"
IMAGE = "localhost/ghl-mock:pytest"
REQUIRED = os.environ.get("CI") == "true" or os.environ.get("GHL_MOCK_REQUIRE_CONTAINER") == "1"
START = "/social-media-posting/oauth/tiktok-business/start"
QUERY = {"locationId": "demo-location", "userId": "u1"}


def _missing() -> str | None:
    """Why this machine cannot build and run the image, or None."""
    if shutil.which("podman") is None:
        return "podman is not installed (apt-get install podman debootstrap runc; see container/README.md)"
    if os.geteuid() != 0:
        return "the base image is made with debootstrap, which needs root"
    return None


def podman(*args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and done.returncode != 0:
        pytest.fail(f"podman {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


@dataclass(frozen=True)
class Container:
    name: str
    url: str

    def logs(self) -> str:
        done = podman("logs", self.name, check=False)
        return done.stdout + done.stderr


@pytest.fixture(scope="module")
def image() -> str:
    reason = _missing()
    if reason is not None:
        message = f"CONTAINER TEST NOT RUN: {reason}"
        if REQUIRED:
            pytest.fail(message + " (required here: CI=true or GHL_MOCK_REQUIRE_CONTAINER=1)")
        pytest.skip(message)
    env = os.environ | {"PYTHON": sys.executable}
    command = ["bash", str(BUILD), IMAGE]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900, check=False)
    if done.returncode != 0:
        pytest.fail(f"{BUILD} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return IMAGE


def wait_healthy(container: Container, deadline: float = 60) -> None:
    """Runs the image's HEALTHCHECK (`ghl-mock health`) until it passes. Podman runs it on a systemd
    timer; with no systemd (CI) there is none, so the test runs it itself."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if podman("healthcheck", "run", container.name, check=False).returncode == 0:
            return
        if podman("inspect", "--format", "{{.State.Running}}", container.name).stdout.strip() != "true":
            pytest.fail(f"{container.name} exited before it was healthy:\n{container.logs()}")
        time.sleep(0.5)
    pytest.fail(f"{container.name} not healthy after {deadline}s:\n{container.logs()}")


@pytest.fixture
def start_container(image: str) -> Iterator[Callable[..., Container]]:
    """start_container(*serve_args) runs the image with its port published on a free 127.0.0.1 port
    and returns once it is healthy; every container is removed at teardown."""
    names: list[str] = []

    def start(*serve_args: str) -> Container:
        name = f"ghl-mock-pytest-{uuid.uuid4().hex[:8]}"
        names.append(name)
        command = ["run", "--detach", "--name", name, "--publish", "127.0.0.1::8080"]
        podman(*command, image, *(("serve", *serve_args) if serve_args else ()))
        port = podman("port", name, "8080/tcp").stdout.strip().rpartition(":")[2]
        container = Container(name, f"http://127.0.0.1:{port}")
        wait_healthy(container)
        return container

    yield start
    for name in names:
        podman("rm", "--force", "--time", "0", name, check=False)


def bearer() -> dict[str, str]:
    token = mint_token(
        DEFAULT_SECRET,
        auth_class="Location",
        auth_class_id="demo-location",
        scopes=SOCIAL_PLANNER_SCOPES,
        expires_in=3600,
    )
    return {"Authorization": f"Bearer {token}", "Version": "2021-07-28"}


def test_image_metadata(image: str) -> None:
    inspected = json.loads(podman("image", "inspect", image).stdout)[0]
    config = inspected["Config"]
    assert config["Entrypoint"] == ["ghl-mock"]
    assert config["Cmd"] == ["serve"]
    # Kept only in docker format (build.sh builds --format docker); podman 4 lists it beside Config.
    healthcheck = inspected.get("Healthcheck") or config.get("Healthcheck") or {}
    assert healthcheck.get("Test") == ["CMD", "ghl-mock", "health"]
    assert "8080/tcp" in config["ExposedPorts"]
    assert "GHL_MOCK_HOST=0.0.0.0" in config["Env"]


def test_serves_the_oauth_start_as_non_root(start_container: Callable[..., Container]) -> None:
    mock = start_container()
    health = podman("inspect", "--format", "{{.State.Health.Status}}", mock.name).stdout.strip()
    assert health == "healthy"
    uid = podman("exec", mock.name, "id", "-u").stdout.strip()
    assert uid not in ("", "0"), f"the container runs as uid {uid!r}"
    with httpx.Client(base_url=mock.url) as client:
        answer = client.get(START, params=QUERY, headers=bearer())
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].startswith(f"{mock.url}/__mock/oauth/tiktok-business/consent?state=")


def test_control_api_refuses_the_host(start_container: Callable[..., Container]) -> None:
    """Through rootful podman's bridge network the mock sees the host as the bridge's gateway
    (10.88.0.1 by default), not loopback, so the refusal holds. (With --network=host it would see
    127.0.0.1 and answer: the container's loopback is then the host's.)"""
    mock = start_container()
    with httpx.Client(base_url=mock.url) as client:
        refused = client.get("/__mock/journal")
    assert refused.status_code == 403, refused.text
    assert "loopback clients only" in refused.json()["message"]
    # The same call from the container's own loopback is answered: the refusal is about the source.
    inside = "import urllib.request as u; print(u.urlopen('http://127.0.0.1:8080/__mock/journal', timeout=5).status)"
    assert podman("exec", mock.name, "python3", "-c", inside).stdout.strip() == "200"


def test_control_api_with_allow_remote_control(start_container: Callable[..., Container]) -> None:
    mock = start_container("--allow-remote-control")
    with httpx.Client(base_url=mock.url) as client:
        assert client.get(START, params=QUERY, headers=bearer()).status_code == 302
        journal = client.get("/__mock/journal")
        assert journal.status_code == 200, journal.text
        start = next(e for e in journal.json()["entries"] if e["path"] == START)
        seen = ipaddress.ip_address(start["client"].rpartition(":")[0].strip("[]"))
        assert not seen.is_loopback, f"the mock sees the host as {seen}: its loopback check would not hold"

        connect = client.post(
            "/__mock/connect", json={"platform": "tiktok-business", "locationId": "demo-location", "userId": "u1"}
        )
        assert connect.status_code == 200, f"POST /__mock/connect answered {connect.status_code}: {connect.text}"
        message = connect.json()
        account_id = message["payload"]["accountId"]
        assert message["payload"]["platform"] == "tiktok-business"
        accounts = client.get("/__mock/accounts", params={"locationId": "demo-location"})
        assert accounts.status_code == 200, accounts.text
        assert account_id in {grant["accountId"] for grant in accounts.json()["grants"]}


def test_stops_cleanly(start_container: Callable[..., Container]) -> None:
    mock = start_container()
    began = time.monotonic()
    podman("stop", "--time", "10", mock.name)
    took = time.monotonic() - began
    code = podman("inspect", "--format", "{{.State.ExitCode}}", mock.name).stdout.strip()
    assert code == "0", f"exit code {code} after podman stop:\n{mock.logs()}"
    assert took < 5, f"podman stop took {took:.1f}s: SIGTERM did not stop the server\n{mock.logs()}"

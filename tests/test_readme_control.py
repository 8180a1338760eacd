"""The README's curl-only walk-through of the control API runs as written and prints what it says."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from ghl_mock.app import create_app
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings
from tests.test_readme_scenario import readme_block

DEFAULT = "http://127.0.0.1:8080"


def test_the_curl_walkthrough_prints_what_the_readme_says() -> None:
    if shutil.which("curl") is None:
        pytest.fail("the README's walk-through needs curl (apt-get install curl)", pytrace=False)
    script = readme_block(r"<!-- curl-walkthrough:start[^>]*-->\n```sh\n(.*?)```\n<!-- curl-walkthrough:end -->")
    expected = readme_block(r"It prints, ids and states aside:\n\n```text\n(.*?)\n```").splitlines()
    assert script.startswith(f"MOCK={DEFAULT}\n")
    with LiveServer(create_app(Settings())) as server:
        script = script.replace(f"MOCK={DEFAULT}", f"MOCK={server.url}", 1)
        run = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    printed = run.stdout.replace(server.url, DEFAULT).splitlines()
    assert len(printed) == len(expected), printed
    for line, pattern in zip(printed, expected, strict=True):
        # "…" in the README stands for an id, a state or a list the run fills in.
        assert re.fullmatch(".*?".join(map(re.escape, pattern.split("…"))), line), (pattern, line)

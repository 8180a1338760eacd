"""The README's "complete run" works as written: the file, the server, then 401, 429, success."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def readme_block(pattern: str) -> str:
    match = re.search(pattern, (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert match, f"README lost the block {pattern!r}"
    return match.group(1)


def test_readme_scenario_run(tmp_path: Path) -> None:
    scenario = readme_block(r"```yaml\n# my-scenarios/my-flaky\.yaml\n(.*?)```")
    (tmp_path / "my-scenarios").mkdir()
    (tmp_path / "my-scenarios" / "my-flaky.yaml").write_text(scenario)
    serve = shlex.split(readme_block(r"```sh\n(\.venv/bin/ghl-mock serve --port 8081 .*?)\n```"))
    assert "--scenarios-dir" not in serve and "8080" not in serve  # the library stays, make run's port too
    loop = readme_block(r"```sh\n(for i in 1 2 3; do.*?done)\n```")
    expected = readme_block(r"```text\n(401 my-flaky/1.*?)\n```").splitlines()
    curl = shlex.split(re.search(r"curl .*?(?=\ndone)", loop, re.S).group(0).replace("\\\n", " "))  # type: ignore[union-attr]
    url = curl[curl.index("-w") + 2]
    hdrs = dict(h.split(": ", 1) for h in curl[curl.index("-w") + 4 :: 2])

    proc = subprocess.Popen(
        [sys.executable, "-m", "ghl_mock", *serve[1:], "--port", "0"],  # a free port, not 8081
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,  # the user's project: my-scenarios/ is relative to it
    )
    try:
        assert proc.stdout is not None
        ready = proc.stdout.readline().strip()
        base = ready.removeprefix("ghl-mock ready on ")
        assert base.startswith("http://127.0.0.1:"), ready
        responses = [httpx.get(url.replace("http://127.0.0.1:8081", base), headers=hdrs) for _ in range(3)]
        seen = [f"{r.status_code} {r.headers.get('x-ghl-mock-step', '')}".strip() for r in responses]
        assert seen == expected
        assert responses[0].text == '{"statusCode":401,"message":"Invalid JWT"}'
        limited = responses[1].headers
        assert limited["retry-after"] == "1"
        assert all(f"x-ratelimit-{h}" in limited for h in ("limit-daily", "daily-remaining", "max", "remaining"))
        assert "x-ratelimit-interval-milliseconds" in limited
    finally:
        proc.terminate()
        proc.communicate(timeout=10)

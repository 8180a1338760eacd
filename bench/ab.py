"""A/B of two ghl-mock checkouts on this machine, alternated: start-up, success path, 401 path.

    .venv/bin/python bench/ab.py BEFORE_DIR [AFTER_DIR] [--rounds 3] [--seconds 5]

Each round starts BEFORE then AFTER (``python -m mock_server serve`` from that directory), so
drift on a shared machine hits both alike; it prints min/median/max per side and the median
ratio AFTER / BEFORE. Needs wrk. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

START = "/social-media-posting/oauth/tiktok-business/start?locationId=demo-location&userId=demo-user"
PIT = "pit-00000000-0000-4000-8000-000000000001"  # the demo fixtures' PIT: the success path


def serve(root: Path) -> tuple[subprocess.Popen[str], str, float]:
    began = time.perf_counter()
    command = [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--no-access-log"]
    proc = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    found = re.search(r"ready on (\S+)", proc.stdout.readline())
    if found is None:
        proc.kill()
        raise SystemExit(f"{root}: ghl-mock did not start")
    url = found.group(1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/__mock/health").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.01)
    return proc, url, (time.perf_counter() - began) * 1000


def wrk(url: str, token: str, seconds: float) -> tuple[float, float]:
    command = ["wrk", "-t2", "-c50", f"-d{seconds:g}s", "--latency", "-H", "Version: 2021-07-28"]
    out = subprocess.run(
        [*command, "-H", f"Authorization: Bearer {token}", url + START],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    if rate is None or p99 is None:
        raise SystemExit(f"unexpected wrk output:\n{out}")
    return float(rate.group(1)), float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path, nargs="?", default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for side, root in (("before", args.before), ("after", args.after)):
            proc, url, startup = serve(root)
            results.setdefault((side, "start-up ms"), []).append(startup)
            try:
                wrk(url, PIT, 1)  # warm-up
                for name, token in (("success", PIT), ("401", "not-a-token")):
                    rate, p99 = wrk(url, token, args.seconds)
                    results.setdefault((side, f"{name} req/s"), []).append(rate)
                    results.setdefault((side, f"{name} p99 ms"), []).append(p99)
            finally:
                proc.terminate()
                proc.wait(10)
    print("| measure | before min/median/max | after min/median/max | after / before (medians) |")
    print("|---|---|---|---|")
    for measure in dict.fromkeys(m for _, m in results):
        before, after = results[("before", measure)], results[("after", measure)]

        def spread(values: list[float]) -> str:
            return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"

        ratio = statistics.median(after) / statistics.median(before)
        print(f"| {measure} | {spread(before)} | {spread(after)} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()

"""ghl-mock benchmarks: start-up, throughput/latency, in-process rate and memory, each as a
ratio to a baseline measured in the same run (a bare Starlette app doing the checks by hand,
and Prism serving the official spec where npm is available).

Run with ``make bench``; it rewrites docs/benchmarks.md. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mock_server.platforms import SOCIAL_PLANNER_SCOPES  # noqa: E402
from mock_server.settings import DEFAULT_SECRET  # noqa: E402
from mock_server.tokens import mint_token  # noqa: E402

START = "/social-media-posting/oauth/tiktok-business/start?locationId=demo-location&userId=demo-user"
TOKEN = mint_token(DEFAULT_SECRET, auth_class="Location", auth_class_id="demo-location", scopes=SOCIAL_PLANNER_SCOPES)
SUCCESS_HEADERS = {"Version": "2021-07-28", "Authorization": f"Bearer {TOKEN}"}
UNAUTHORIZED_HEADERS = {"Version": "2021-07-28", "Authorization": "Bearer not.a.jwt"}
PRISM_VERSION = "5.16.0"
DURATION = float(os.environ.get("BENCH_SECONDS", "10"))
LAUNCHES = int(os.environ.get("BENCH_LAUNCHES", "5"))


@dataclass
class Server:
    name: str
    command: list[str]
    ready: re.Pattern[str] | None  # a stdout line giving the URL, or None: a fixed port
    health: str
    port: int | None = None
    proc: subprocess.Popen[str] | None = None
    url: str = ""

    def start(self) -> float:
        """Launch; return seconds from launch to the first answer from the health URL."""
        began = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
        )
        if self.ready is not None:
            assert self.proc.stdout is not None
            line = self.proc.stdout.readline()
            match = self.ready.search(line)
            if not match:
                raise RuntimeError(f"{self.name} did not start: {line!r}")
            self.url = match.group(1)
        else:
            self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.perf_counter() + 60
        with httpx.Client(timeout=1) as client:
            while time.perf_counter() < deadline:
                try:
                    client.get(self.url + self.health)
                    return time.perf_counter() - began
                except httpx.TransportError:
                    time.sleep(0.005)
        raise RuntimeError(f"{self.name} never answered")

    def rss_mb(self) -> float:
        assert self.proc is not None
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    statuses: dict[str, int] = field(default_factory=dict)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ghl_mock(access_log: bool = False) -> Server:
    command = [sys.executable, "-m", "mock_server", "serve", "--port", "0"]
    if not access_log:
        command.append("--no-access-log")
    return Server("ghl-mock", command, re.compile(r"ghl-mock ready on (\S+)"), "/__mock/health")


def bare() -> Server:
    return Server(
        "bare Starlette", [sys.executable, "bench/bare_app.py"], re.compile(r"bare ready on (\S+)"), "/__mock/health"
    )


def prism(spec: Path) -> Server | None:
    npm = shutil.which("npm")
    if npm is None:
        print("Prism skipped: npm is not installed")
        return None
    scratch = Path(tempfile.gettempdir()) / f"ghl-mock-bench-prism-{PRISM_VERSION}"
    binary = scratch / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        scratch.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(scratch),
                "--no-audit",
                "--no-fund",
                f"@stoplight/prism-cli@{PRISM_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            print(f"Prism skipped: npm install failed: {result.stderr.strip()[-300:]}")
            return None
    port = free_port()
    return Server(
        "Prism",
        [str(binary), "mock", str(spec), "-h", "127.0.0.1", "-p", str(port), "-m", "false"],
        None,
        START,
        port=port,
    )


def wrk(url: str, headers: dict[str, str], seconds: float = DURATION, connections: int = 50) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    out = result.stdout
    if "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed: {out}\n{result.stderr}")

    def latency(pct: str) -> float:
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.+)", out)
    statuses = {"non-2xx/3xx": int(non_ok.group(1)) if non_ok else 0}
    if errors:
        statuses["socket errors"] = errors.group(1)  # type: ignore[assignment]
    return Load(rps, latency("50"), latency("99"), total, statuses)


def in_process_rate(n: int = 5000) -> float:
    from mock_server.testing import GhlMock

    mock = GhlMock.in_process()
    with mock.client as client:
        for _ in range(200):
            client.get(START, headers=SUCCESS_HEADERS)
        began = time.perf_counter()
        for _ in range(n):
            response = client.get(START, headers=SUCCESS_HEADERS)
        elapsed = time.perf_counter() - began
        assert response.status_code == 302
    return n / elapsed


def ratio(a: float, b: float | None) -> str:
    return f"{a / b:.2f}x" if b else "–"


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1).strip() if match else cpu
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024  # type: ignore[union-attr]
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB, {platform.system()} {platform.release()}"


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install -y wrk (make bench does this)", file=sys.stderr)
        return 2
    spec = ROOT / "fixtures" / "openapi" / "apps" / "social-media-posting.json"
    rows: list[str] = []
    results: dict[str, object] = {}

    print("start-up ...", flush=True)
    startup: dict[str, float] = {}
    candidates = [ghl_mock(), bare()]
    prism_server = prism(spec)
    if prism_server is not None:
        candidates.append(prism_server)
    for server in candidates:
        times = []
        for _ in range(LAUNCHES):
            try:
                times.append(server.start())
            finally:
                server.stop()
        startup[server.name] = statistics.median(times)
        print(f"  {server.name}: {startup[server.name] * 1000:.0f} ms", flush=True)

    print("load ...", flush=True)
    loads: dict[tuple[str, str], Load] = {}
    answers: dict[tuple[str, str], int] = {}
    expected = {"success": 302, "401": 401}
    for server in candidates:
        server.start()
        try:
            for path_name, headers in (("success", SUCCESS_HEADERS), ("401", UNAUTHORIZED_HEADERS)):
                answer = httpx.get(server.url + START, headers=headers, follow_redirects=False).status_code
                print(f"  {server.name} {path_name} answers {answer}", flush=True)
                answers[(server.name, path_name)] = answer
                if server.name != "Prism" and answer != expected[path_name]:
                    raise RuntimeError(f"{server.name} answered {answer} on the {path_name} path")
                wrk(server.url + START, headers, seconds=2)  # warm-up
                loads[(server.name, path_name)] = load = wrk(server.url + START, headers)
                print(
                    f"  {server.name} {path_name}: {load.rps:.0f} req/s p50 {load.p50_ms:.2f} ms "
                    f"p99 {load.p99_ms:.2f} ms {load.statuses}",
                    flush=True,
                )
        finally:
            server.stop()

    print("in-process ...", flush=True)
    in_process = in_process_rate()
    print(f"  {in_process:.0f} req/s", flush=True)

    print("memory (journal on, access log off) ...", flush=True)
    server = ghl_mock()
    server.start()
    try:
        wrk(server.url + START, SUCCESS_HEADERS, seconds=2)
        rss_warm = server.rss_mb()
        total = 0
        rss_100k = rss_300k = None
        while total < 300_000:
            total += wrk(server.url + START, SUCCESS_HEADERS, seconds=5).requests
            if rss_100k is None and total >= 100_000:
                rss_100k = server.rss_mb()
        rss_300k = server.rss_mb()
    finally:
        server.stop()
    print(f"  RSS warm {rss_warm:.1f} MB, after 100k {rss_100k:.1f} MB, after {total} {rss_300k:.1f} MB", flush=True)

    g, b = "ghl-mock", "bare Starlette"
    p = "Prism" if prism_server is not None else None

    def cell(name: str | None, path_name: str, attr: str) -> float | None:
        if name is None or (name, path_name) not in loads:
            return None
        value: float = getattr(loads[(name, path_name)], attr)
        return value

    def prism_ratio(path_name: str, gv: float | None, pv: float | None) -> str:
        status = answers.get(("Prism", path_name))
        # Prism answers a valid start request with the spec's empty 200: the same request, so
        # comparable; an invalid token it also answers 200, which is no 401 path to compare.
        if pv is not None and status != {"success": 200, "401": 401}[path_name]:
            return f"n/a (Prism answers {status})"
        return ratio(gv or 0, pv)

    def target(ok: bool, why: str = "") -> str:
        return "met" if ok else f"**not met**{': ' + why if why else ''}"

    why_startup = (
        "pydantic and pydantic-settings (the chosen settings stack) cost about 120 ms of imports the bare app "
        "does not pay; fixtures and 30 scenario files are validated before the ready line"
    )
    why_success = (
        "the 302 carries a signed consent state (a ~300-byte Location, repeated in the body) and passes the journal, scenario "
        "and CORS layers; verified tokens are cached, so the JWT decode the bare app pays per request is gone"
    )
    why_401 = (
        "every request still passes the journal, scenario and CORS layers and gets the X-Ghl-Mock-Rule/Reason "
        "headers; the bare 401 is one JSON line from one handler (py-spy: the middleware awaits are ~25%)"
    )

    su = cell(g, "success", "rps") or 0
    sb = cell(b, "success", "rps") or 1
    pu = cell(g, "success", "p99_ms") or 0
    pb = cell(b, "success", "p99_ms") or 1
    uu = cell(g, "401", "rps") or 0
    ub = cell(b, "401", "rps") or 1
    growth = (rss_300k or 0) - (rss_100k or 0)
    rows = [
        "| measure | ghl-mock | bare Starlette | Prism | ghl-mock / bare | ghl-mock / Prism | target |",
        "|---|---|---|---|---|---|---|",
        f"| start-up to first answer (median of {LAUNCHES}; /__mock/health, Prism: the start URL) | {startup[g] * 1000:.0f} ms | {startup[b] * 1000:.0f} ms | "
        f"{f'{startup[p] * 1000:.0f} ms' if p else 'skipped'} | {ratio(startup[g], startup[b])} | "
        f"{ratio(startup[g], startup.get(p or '', 0))} | ≤ 1.5x bare: {target(startup[g] <= 1.5 * startup[b], why_startup)} |",
    ]
    for path_name, label in (("success", "success path (302, JWT + scope)"), ("401", "401 path (invalid JWT)")):
        for attr, unit, fmt in (
            ("rps", "req/s", "{:.0f}"),
            ("p50_ms", "ms p50", "{:.2f}"),
            ("p99_ms", "ms p99", "{:.2f}"),
        ):
            gv, bv, pv = cell(g, path_name, attr), cell(b, path_name, attr), cell(p, path_name, attr)
            goal = ""
            if path_name == "success" and attr == "rps":
                goal = f"≥ 1.0x bare: {target(su >= sb, why_success)}"
            elif path_name == "success" and attr == "p99_ms":
                goal = f"≤ 1.5x bare: {target(pu <= 1.5 * pb, 'p99 on a 2-core machine shared with wrk is noisy')}"
            elif path_name == "401" and attr == "rps":
                goal = f"≥ 0.8x bare: {target(uu >= 0.8 * ub, why_401)}"
            rows.append(
                f"| {label}, {unit} | {fmt.format(gv)} | {fmt.format(bv)} | "
                f"{fmt.format(pv) if pv is not None else 'skipped'} | {ratio(gv or 0, bv)} | {prism_ratio(path_name, gv, pv)} | {goal} |"
            )
    rows += [
        f"| in-process client (sequential), req/s | {in_process:.0f} | – | – | – | – | ≥ 3000: {target(in_process >= 3000)} |",
        f"| RSS after warm-up | {rss_warm:.1f} MB | – | – | – | – | ≤ 60 MB: {target(rss_warm <= 60)} |",
        f"| RSS growth 100k → {total // 1000}k requests (journal on) | {growth:+.1f} MB | – | – | – | – | < 10 MB: {target(growth < 10)} |",
    ]
    prism_note = (
        f"Prism {PRISM_VERSION} serves the official spec's operations; it answers a valid start request "
        "with the spec's empty 200, not a redirect."
        if p
        else "Prism was skipped (npm missing or its install failed)."
    )
    statuses = "; ".join(f"{n} {k}: {v.statuses}" for (n, k), v in loads.items())
    text = f"""# Benchmarks

Generated by `make bench` (`bench/run.py`) on {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}.
Every figure is measured in the same run, on the same machine, against baselines started by the
same script: a bare Starlette + uvicorn app doing the start endpoint's checks by hand
(`bench/bare_app.py`: Version, HS256 JWT decode, scope, query, location, 302) and Prism.

- Machine: {machine()}
- Versions: Python {platform.python_version()}, ghl-mock {version("ghl-mock")}, starlette {version("starlette")},
  uvicorn {version("uvicorn")}, PyJWT {version("PyJWT")}, {subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(chr(10))[0].strip()}
- Load: `wrk -t2 -c50 -d{DURATION:g}s --latency` on loopback after a 2 s warm-up, one server at a
  time; ghl-mock runs with `--no-access-log` (the bare app logs nothing either) and its journal on.
- {prism_note}

{chr(10).join(rows)}

Status codes seen: {statuses}.
"""
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text(text)
    results["written"] = str(out)
    print(text)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""ghl-mock benchmarks, A/B alternated: every figure is a ratio to a baseline run in the same round.

    .venv/bin/python bench/run.py [--rounds 3] [--seconds 5] [--starts 5] [--before DIR] [--no-write]

Each round starts, one at a time: the bare Starlette app (``bench/bare_app.py``, the start
endpoint's checks by hand), the bare app reading pydantic-settings (start-up only), ghl-mock with
the access log off, ghl-mock with it on (as a user runs ``ghl-mock serve``), the bare app again
(an A/A side: the noise floor), a ``--before`` checkout of ghl-mock if given, and Prism serving
the official spec (``-v silent``, its quietest) when npm can install it. Each round measures
start-up to the first answer (the median of ``--starts`` launches), then ``wrk`` on the success
path (302) and the 401 path, and for ghl-mock and Prism the attach (POST) and accounts-list
operations. Ratios are taken within a round (drift on a shared machine hits both sides alike) and
reported as min / median / max over the rounds. Then memory over 300k requests, the in-process
rates, and (with py-spy) the profile's top entries.

``make bench`` runs it and rewrites docs/benchmarks.md. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
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
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ghl_mock.platforms import SOCIAL_PLANNER_SCOPES  # noqa: E402
from ghl_mock.settings import DEFAULT_SECRET  # noqa: E402
from ghl_mock.tokens import mint_token  # noqa: E402

LOCATION = "demo-location"
START = f"/social-media-posting/oauth/tiktok-business/start?locationId={LOCATION}&userId=demo-user"
LIST = f"/social-media-posting/{LOCATION}/accounts"
TOKEN = mint_token(DEFAULT_SECRET, auth_class="Location", auth_class_id=LOCATION, scopes=SOCIAL_PLANNER_SCOPES)
GOOD = {"Version": "2021-07-28", "Authorization": f"Bearer {TOKEN}"}
BAD = {"Version": "2021-07-28", "Authorization": "Bearer not.a.jwt"}
PRISM_VERSION = "5.16.0"
EXPECTED = {"success": 302, "401": 401, "attach": 201, "list": 200}


@dataclass
class Server:
    name: str
    command: list[str]
    ready: re.Pattern[str] | None  # a stdout line giving the URL, or None: a fixed port
    health: str
    cwd: Path = ROOT
    port: int | None = None
    proc: subprocess.Popen[str] | None = None
    url: str = ""

    def start(self) -> float:
        """Launch; return milliseconds from launch to the first answer from the health URL.

        A launch that does not come up is stopped before the error goes on."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> float:
        began = time.perf_counter()
        out = subprocess.DEVNULL if self.ready is None else subprocess.PIPE
        self.proc = subprocess.Popen(self.command, stdout=out, stderr=subprocess.DEVNULL, text=True, cwd=self.cwd)
        if self.ready is not None:
            assert self.proc.stdout is not None
            line = self.proc.stdout.readline()
            match = self.ready.search(line)
            if not match:
                raise RuntimeError(f"{self.name} did not start: {line!r}")
            self.url = match.group(1)
            # Keep reading what it prints (the access log), so a full pipe never blocks it.
            subprocess.Popen(["cat"], stdin=self.proc.stdout, stdout=subprocess.DEVNULL)
        else:
            self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.perf_counter() + 60
        with httpx.Client(timeout=1) as client:
            while time.perf_counter() < deadline:
                try:
                    client.get(self.url + self.health, headers=GOOD)
                    return (time.perf_counter() - began) * 1000
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


@dataclass
class Load:
    rps: float
    p99_ms: float
    requests: int
    statuses: dict[str, int] = field(default_factory=dict)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ghl_mock(root: Path, name: str, access_log: bool) -> Server:
    # A --before checkout from before the package's rename (issue #11) is still mock_server.
    package = "ghl_mock" if (root / "ghl_mock").is_dir() else "mock_server"
    command = [sys.executable, "-m", package, "serve", "--port", "0"]
    if not access_log:
        command.append("--no-access-log")
    return Server(name, command, re.compile(r"ready on (\S+)"), "/__mock/health", cwd=root)


def bare(name: str = "bare", *options: str) -> Server:
    command = [sys.executable, "bench/bare_app.py", *options]
    return Server(name, command, re.compile(r"bare ready on (\S+)"), "/__mock/health")


#: A start-up reference only: the bare app, importing and using pydantic-settings (the library
#: ghl-mock's settings are built on) before it serves.
BARE_SETTINGS = "bare + pydantic-settings"
#: The bare app again, as one more side of each round (an A/A comparison): its ratios to "bare"
#: are the run's noise floor, what two identical servers differ by.
BARE_AGAIN = "bare (again)"


def import_shares() -> list[tuple[str, float]]:
    """Own import time (``-X importtime``) of what ``serve`` loads, by group, in ms, largest first.

    importtime's own overhead inflates every figure alike; the shares, not the sums, are the point."""
    groups = {
        "pydantic, pydantic-core, pydantic-settings (+ annotated-types, typing-inspection, dotenv)": (
            "pydantic",
            "pydantic_core",
            "pydantic_settings",
            "annotated_types",
            "typing_inspection",
            "dotenv",
        ),
        "ghl_mock": ("ghl_mock",),
        "uvicorn, starlette, httptools, h11, uvloop": ("uvicorn", "starlette", "httptools", "h11", "uvloop"),
        "PyJWT (+ cryptography when installed)": ("jwt", "cryptography"),
        "PyYAML": ("yaml",),
        "click": ("click",),
    }
    code = "import ghl_mock.startup as s; s.pause(); import ghl_mock.cli, ghl_mock.server, ghl_mock.app"
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True).stderr
    totals: Counter[str] = Counter()
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = line.split(":", 1)[1].split("|")
        top = name.strip().split(".")[0]
        group = next((g for g, tops in groups.items() if top in tops), "the standard library and the rest")
        totals[group] += int(own) / 1000
    return totals.most_common()


def prism_binary() -> Path | None:
    npm = shutil.which("npm")
    if npm is None:
        print("Prism skipped: npm is not installed")
        return None
    scratch = Path(tempfile.gettempdir()) / f"ghl-mock-bench-prism-{PRISM_VERSION}"
    binary = scratch / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        scratch.mkdir(parents=True, exist_ok=True)
        command = [npm, "install", "--prefix", str(scratch), "--no-audit", "--no-fund"]
        result = subprocess.run(
            [*command, f"@stoplight/prism-cli@{PRISM_VERSION}"], capture_output=True, text=True, timeout=600
        )
        if result.returncode != 0:
            print(f"Prism skipped: npm install failed: {result.stderr.strip()[-300:]}")
            return None
    return binary


def prism(binary: Path, spec: Path) -> Server:
    port = free_port()
    command = [str(binary), "mock", str(spec), "-h", "127.0.0.1", "-p", str(port), "-m", "false", "-v", "silent"]
    return Server("Prism", command, None, START, port=port)


def wrk(url: str, headers: dict[str, str], seconds: float, body: str | None = None) -> Load:
    command = ["wrk", "-t2", "-c50", f"-d{seconds:g}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    script: str | None = None
    if body is not None:
        handle, script = tempfile.mkstemp(suffix=".lua")
        with os.fdopen(handle, "w") as lua:
            lua.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n')
        command += ["-H", "Content-Type: application/json", "-s", script]
    try:
        result = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        if script is not None:
            os.unlink(script)
    out = result.stdout
    if "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed: {out}\n{result.stderr}")
    found = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    p99 = float("nan")
    if found:
        p99 = float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    statuses = {"non-2xx/3xx": int(non_ok.group(1)) if non_ok else 0}
    errors = re.search(r"Socket errors: (.+)", out)
    if errors:
        statuses["socket errors"] = errors.group(1)  # type: ignore[assignment]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return Load(rps, p99, total, statuses)


def attach_target(server: Server) -> tuple[str, str]:
    """The attach URL and body: ghl-mock's from a real consent (facebook), Prism's from the spec's shape."""
    if server.name == "Prism":
        path = f"/social-media-posting/oauth/{LOCATION}/facebook/accounts/0123456789abcdef01234567"
        return server.url + path, json.dumps({"type": "page", "originId": "1", "name": "n", "avatar": "a"})
    from ghl_mock.testing import GhlMock

    mock = GhlMock.remote(server.url, DEFAULT_SECRET)
    try:
        account = mock.connect(platform="facebook").account_id
        assert account is not None
        path = f"/social-media-posting/oauth/{LOCATION}/facebook/accounts/{account}"
        page = mock.client.get(path, headers=GOOD).json()["results"]["pages"][0]
    finally:
        mock.close()
    body = {"type": "page", "originId": page["id"], "name": page["name"], "avatar": page["avatar"]}
    return server.url + path, json.dumps(body)


def measure(
    server: Server, paths: tuple[str, ...], seconds: float, results: dict[str, list[float]], starts: int = 1
) -> None:
    """Start-up (the median of ``starts`` launches), then each path under load on the last one;
    figures go into ``results`` under "side/measure"."""
    launches = []
    try:
        for _ in range(starts - 1):
            launches.append(server.start())
            server.stop()
        launches.append(server.start())
        results.setdefault(f"{server.name}/start-up ms", []).append(statistics.median(launches))
        for path_name in paths:
            url, headers, body = server.url + START, GOOD, None
            if path_name == "401":
                headers = BAD
            elif path_name == "list":
                url = server.url + LIST
            elif path_name == "attach":
                url, body = attach_target(server)
            sent = {**headers, "Content-Type": "application/json"} if body else headers
            answer = httpx.request("POST" if body else "GET", url, headers=sent, content=body).status_code
            if server.name != "Prism" and answer != EXPECTED[path_name]:
                raise RuntimeError(f"{server.name} answered {answer} on the {path_name} path")
            wrk(url, headers, 1, body)  # warm-up
            load = wrk(url, headers, seconds, body)
            results.setdefault(f"{server.name}/{path_name} req/s", []).append(load.rps)
            results.setdefault(f"{server.name}/{path_name} p99 ms", []).append(load.p99_ms)
            print(
                f"  {server.name:<22} {path_name:<8} {load.rps:8.0f} req/s  p99 {load.p99_ms:7.2f} ms  {load.statuses}",
                flush=True,
            )
    finally:
        server.stop()


def memory(root: Path) -> dict[str, float]:
    server = ghl_mock(root, "ghl-mock", access_log=False)
    server.start()
    marks: dict[str, float] = {}
    try:
        wrk(server.url + START, GOOD, 2)
        marks["warm"] = server.rss_mb()
        total = 0
        for target in (100_000, 200_000, 300_000):
            while total < target:
                total += wrk(server.url + START, GOOD, 3).requests
            marks[f"{target // 1000}k"] = server.rss_mb()
    finally:
        server.stop()
    return marks


def in_process_rates(n: int = 5000) -> dict[str, float]:
    """``GhlMock.call``, the in-process httpx client, the app alone (direct ASGI calls) and httpx's own
    ceiling for this answer."""
    from ghl_mock.testing import GhlMock

    mock = GhlMock.in_process()
    rates: dict[str, float] = {}
    with mock.client as client:
        for _ in range(200):
            response = client.get(START, headers=GOOD)
        location = response.headers["location"]
        began = time.perf_counter()
        for _ in range(n):
            response = client.get(START, headers=GOOD)
        rates["client"] = n / (time.perf_counter() - began)
        assert response.status_code == 302
    for _ in range(200):
        answer = mock.call("GET", START, headers=GOOD)
    began = time.perf_counter()
    for _ in range(n):
        answer = mock.call("GET", START, headers=GOOD)
    rates["call"] = n / (time.perf_counter() - began)
    assert answer.status_code == 302

    app = mock.app
    path, _, query = START.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in GOOD.items()], "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }  # fmt: skip

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        pass

    async def loop() -> float:
        for _ in range(200):
            await app(dict(scope), receive, send)  # type: ignore[arg-type]
        began = time.perf_counter()
        for _ in range(n):
            await app(dict(scope), receive, send)  # type: ignore[arg-type]
        return n / (time.perf_counter() - began)

    rates["app"] = asyncio.run(loop())

    def same_answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": location}, content=b"x" * len(response.content))

    with httpx.Client(transport=httpx.MockTransport(same_answer), base_url="http://testserver") as bare_client:
        for _ in range(200):
            bare_client.get(START, headers=GOOD)
        began = time.perf_counter()
        for _ in range(n):
            bare_client.get(START, headers=GOOD)
        rates["httpx"] = n / (time.perf_counter() - began)
    return rates


def profile(root: Path, headers: dict[str, str], seconds: float = 6) -> list[str] | None:
    """py-spy's top entries (own time, by function) for ghl-mock under load; None without py-spy."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        return None
    server = ghl_mock(root, "ghl-mock", access_log=False)
    server.start()
    raw = Path(tempfile.mkstemp(suffix=".txt")[1])
    try:
        header_args = [arg for k, v in headers.items() for arg in ("-H", f"{k}: {v}")]
        command = ["wrk", "-t2", "-c50", f"-d{seconds + 2:g}s", *header_args, server.url + START]
        load = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # fmt: skip
        time.sleep(1)
        assert server.proc is not None
        subprocess.run(
            [spy, "record", "-p", str(server.proc.pid), "-d", f"{seconds:g}", "-r", "200", "-f", "raw", "-o", str(raw)],
            capture_output=True,
            timeout=seconds + 60,
        )
        load.wait(seconds + 30)
    finally:
        server.stop()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        frame = stack.split(";")[-1]
        found = re.match(r"(.*) \((.*?):\d+\)", frame)
        name = frame
        if found:
            where = re.sub(r".*/(site-packages|python3\.\d+)/", "", found.group(2))
            where = re.sub(r".*/(ghl_mock|mock_server|bench)/", r"\1/", where)
            name = f"{found.group(1)} ({where})"
        own[name] += int(count)
        total += int(count)
    raw.unlink()
    return [f"| {100 * n / total:.1f}% | `{name}` |" for name, n in own.most_common(12)] if total else None


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1).strip() if match else cpu
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024  # type: ignore[union-attr]
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB, {platform.system()} {platform.release()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5, help="wrk duration per measure")
    parser.add_argument("--starts", type=int, default=5, help="launches per side and round; start-up is their median")
    parser.add_argument("--before", type=Path, help="a checkout of an earlier ghl-mock, alternated as one more side")
    parser.add_argument("--before-name", help="what the --before checkout is, for the report (default: its path)")
    parser.add_argument("--no-write", action="store_true", help="print, do not rewrite docs/benchmarks.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install -y wrk (make bench does this)", file=sys.stderr)
        return 2
    if args.starts < 1:
        print("--starts: at least 1", file=sys.stderr)
        return 2
    if args.rounds < 3:
        print("at least 3 rounds: min / median / max of fewer says nothing", file=sys.stderr)
        return 2
    # Byte-compiled like any installed package (an editable install under PYTHONDONTWRITEBYTECODE
    # would otherwise recompile every module at each start), for every side alike.
    for tree in (ROOT, *([args.before] if args.before else [])):
        packages = [name for name in ("ghl_mock", "mock_server", "bench") if (tree / name).is_dir()]
        subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], cwd=tree, check=False)
    spec = ROOT / "fixtures" / "openapi" / "apps" / "social-media-posting.json"
    binary = prism_binary()
    sides: list[tuple[Server, tuple[str, ...]]] = [
        (bare(), ("success", "401")),
        (bare(BARE_SETTINGS, "--pydantic-settings"), ()),
        (ghl_mock(ROOT, "ghl-mock", access_log=False), ("success", "401", "attach", "list")),
        (ghl_mock(ROOT, "ghl-mock (access log)", access_log=True), ("success", "401")),
        (bare(BARE_AGAIN), ("success", "401")),
    ]
    if args.before is not None:
        sides.append((ghl_mock(args.before.resolve(), "before", access_log=False), ("success", "401")))
    if binary is not None:
        sides.append((prism(binary, spec), ("success", "attach", "list")))
    results: dict[str, list[float]] = {}
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number} of {args.rounds}", flush=True)
        for server, paths in sides:
            measure(server, paths, args.seconds, results, args.starts)

    def ratios(a: str, b: str, measure_name: str) -> list[float] | None:
        top, bottom = results.get(f"{a}/{measure_name}"), results.get(f"{b}/{measure_name}")
        if not top or not bottom:
            return None
        return [x / y for x, y in zip(top, bottom, strict=True)]

    print("memory ...", flush=True)
    rss = memory(ROOT)
    print(f"  {rss}", flush=True)
    print("in-process ...", flush=True)
    rates = in_process_rates()
    print(f"  {rates}", flush=True)
    print("imports ...", flush=True)
    shares = import_shares()
    print("profiles ...", flush=True)
    profiles = {
        f"{label}, {path_name} path": profile(root, headers)
        for label, root in (("ghl-mock", ROOT), *((("before", args.before.resolve()),) if args.before else ()))
        for path_name, headers in (("success", GOOD), ("401", BAD))
    }

    def target(values: list[float] | None, ok: bool, goal: str) -> str:
        if values is None:
            return goal + ": –"
        return f"{goal}: {'met' if ok else '**not met**'}"

    rows = [
        "| measure | ghl-mock min / median / max | ratio to bare, min / median / max | target (median) "
        f"| noise floor: {BARE_AGAIN} to bare |",
        "|---|---|---|---|---|",
    ]
    goals = {
        "start-up ms": (lambda r: r <= 1.3, "≤ 1.3x"),
        "success req/s": (lambda r: r >= 1.0, "≥ 1.0x"),
        "success p99 ms": (lambda r: r <= 1.2, "≤ 1.2x"),
        "401 req/s": (lambda r: r >= 0.9, "≥ 0.9x"),
        "401 p99 ms": (lambda r: r <= 1.2, "≤ 1.2x"),
    }
    for side in ("ghl-mock", "ghl-mock (access log)"):
        for name, (check, goal) in goals.items():
            values = results.get(f"{side}/{name}")
            r = ratios(side, "bare", name)
            if values is None or r is None:
                continue
            floor = ratios(BARE_AGAIN, "bare", name)
            rows.append(
                f"| {side}: {name} | {spread(values, '{:.1f}')} | {spread(r)}x | "
                f"{target(r, check(statistics.median(r)), goal)} | {spread(floor) + 'x' if floor else '–'} |"
            )
    startup_rows = [
        "| side | start-up ms, min / median / max | to bare | to bare + pydantic-settings |",
        "|---|---|---|---|",
    ]
    for side in ("bare", BARE_AGAIN, BARE_SETTINGS, "ghl-mock", "ghl-mock (access log)"):
        values = results.get(f"{side}/start-up ms")
        if not values:
            continue
        to_bare, to_settings = ratios(side, "bare", "start-up ms"), ratios(side, BARE_SETTINGS, "start-up ms")
        startup_rows.append(
            f"| {side} | {spread(values, '{:.1f}')} | {spread(to_bare) + 'x' if to_bare else '–'} | "
            f"{spread(to_settings) + 'x' if to_settings else '–'} |"
        )
    total_import = sum(ms for _, ms in shares) or 1.0
    import_rows = ["| group | own import ms (importtime) | share |", "|---|---|---|"] + [
        f"| {group} | {ms:.1f} | {100 * ms / total_import:.0f}% |" for group, ms in shares
    ]
    ops = [
        "| operation | ghl-mock req/s | ghl-mock p99 ms | Prism req/s | ghl-mock / Prism (req/s, median) |",
        "|---|---|---|---|---|",
    ]
    for path_name in ("success", "attach", "list"):
        mine = results.get(f"ghl-mock/{path_name} req/s")
        theirs = results.get(f"Prism/{path_name} req/s")
        r = ratios("ghl-mock", "Prism", f"{path_name} req/s")
        ops.append(
            f"| {path_name} | {spread(mine or [0], '{:.0f}')} | {spread(results.get(f'ghl-mock/{path_name} p99 ms') or [0])} | "
            f"{spread(theirs, '{:.0f}') if theirs else 'skipped'} | {f'{statistics.median(r):.2f}x' if r else '–'} |"
        )
    before_rows: list[str] = []
    if args.before is not None:
        before_rows = ["| measure | this tree / before, min / median / max |", "|---|---|"]
        for name in ("start-up ms", "success req/s", "success p99 ms", "401 req/s", "401 p99 ms"):
            r = ratios("ghl-mock", "before", name)
            if r:
                before_rows.append(f"| {name} | {spread(r)}x |")
    growth = rss["300k"] - rss["100k"]
    memory_rows = [
        "| measure | ghl-mock | target |",
        "|---|---|---|",
        f"| RSS after warm-up | {rss['warm']:.1f} MB | ≤ 60 MB: {'met' if rss['warm'] <= 60 else '**not met**'} |",
        f"| RSS at 100k / 200k / 300k requests | {rss['100k']:.1f} / {rss['200k']:.1f} / {rss['300k']:.1f} MB | "
        f"≤ 60 MB and flat (< 5 MB from 100k to 300k): "
        f"{'met' if rss['300k'] <= 60 and growth < 5 else '**not met**'} |",
        f"| in-process, `GhlMock.in_process().call(...)` (no httpx), sequential | {rates['call']:.0f} req/s | "
        f"≥ 4000: {'met' if rates['call'] >= 4000 else '**not met**'} |",
        f"| in-process httpx client (`GhlMock.in_process().client`), sequential | {rates['client']:.0f} req/s | "
        f"≥ 4000 is above httpx's ceiling below |",
        f"| the app alone, direct ASGI calls (no client) | {rates['app']:.0f} req/s | – |",
        f"| httpx.Client on a transport that returns the same 302 at once (the client's ceiling) | "
        f"{rates['httpx']:.0f} req/s | in-process client / ceiling: {rates['client'] / rates['httpx']:.2f}x |",
    ]
    profile_text = []
    for title, entries in profiles.items():
        if entries is None:
            profile_text.append(f"{title}: py-spy is not installed (`pip install py-spy`), no profile.\n")
            continue
        profile_text.append(
            f"**{title}** (own time, py-spy, 200 Hz, 6 s under wrk):\n\n| share | function |\n|---|---|"
        )
        profile_text.append("\n".join(entries) + "\n")
    versions = (
        f"Python {platform.python_version()}, ghl-mock {version('ghl-mock')}, starlette {version('starlette')}, "
        f"uvicorn {version('uvicorn')}, PyJWT {version('PyJWT')}, "
        + subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip()
    )
    sides_text = ", ".join(server.name for server, _ in sides)
    text = f"""# Benchmarks

Generated by `make bench` (`bench/run.py`) on {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}: {args.rounds} rounds,
each starting, one at a time, {sides_text}. Every ratio is taken within one round and shown as
min / median / max over the rounds; targets are those of issue #13, checked on the median.

- Machine: {machine()}
- Versions: {versions}
- Load: `wrk -t2 -c50 -d{args.seconds:g}s --latency` on loopback after a 1 s warm-up. The bare app
  (`bench/bare_app.py`) does the start endpoint's checks by hand (Version, HS256 JWT decode, scope,
  query, location, 302) and logs nothing; "ghl-mock" runs with `--no-access-log`, "ghl-mock (access
  log)" as `ghl-mock serve` runs by default. The journal is on in both. Start-up is launch to the
  first answer of `/__mock/health` (Prism: the start URL), the median of {args.starts} launches
  per side and round; every tree is byte-compiled first.
- Prism {PRISM_VERSION} (`prism mock -v silent`) serves the official spec: it answers a valid start
  with the spec's empty 200 and accepts any bearer token, so it has no 401 path to compare.

## Against the bare app

The last column is an A/A comparison: the same bare app, started again as one more side of each
round. Its ratios to "bare" are what two identical servers differ by in this run; a ratio of
ghl-mock's within that spread of its target cannot be told apart from it.

{chr(10).join(rows)}

## Start-up

Launch to the first answer of `/__mock/health`. "{BARE_SETTINGS}" is the bare app reading its
host and port through pydantic-settings first (start-up only, no load): what importing the
validation library ghl-mock's settings, scenario files, fixtures and attach bodies are built on
costs before any of ghl-mock's own code runs.

{chr(10).join(startup_rows)}

What `serve` imports, by group (own time from `python -X importtime`, the collector paused as
the console script pauses it, decisions #119):

{chr(10).join(import_rows)}

## The operations, against Prism

{chr(10).join(ops)}

## Memory and the in-process client

{chr(10).join(memory_rows)}

The in-process client is an `httpx.Client`: for this 302 httpx parses three URLs character by
character (the request's, the base URL join, and the ~300-byte `Location` it parses to build
`next_request`), so httpx itself, on a transport that does nothing, stops at the ceiling above and
the client can only approach it. `GhlMock.call` is the in-process path without httpx (the same
transport's event loop, the scope built from the path as given, an `Answer` with `status_code`,
`headers`, `content`, `text`, `json()`); the ≥ 4,000 req/s target is checked on it.
"""
    if before_rows:
        text += f"""
## This tree against `--before` ({args.before_name or args.before})

Alternated in the same rounds, both without the access log:

{chr(10).join(before_rows)}
"""
    text += "\n## Profiles\n\n" + "\n".join(profile_text)
    text += f"\nRaw figures: `{json.dumps(results)}`\n"
    if not args.no_write:
        (ROOT / "docs" / "benchmarks.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

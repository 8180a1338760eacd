"""A bounded connection soak (issue #12): 1,000 concurrent connections of four kinds against
``ghl-mock serve``, while a health check measures latency and the server's RSS is sampled.

    .venv/bin/python bench/soak.py [--connections 1000] [--seconds 25]

The server runs as ``make run`` runs it (a subprocess on 127.0.0.1, port 0, access log off). A load
process keeps the connections open for ``--seconds``, each client starting over as soon as its
connection ends, a quarter of each kind:

- **idle**: one request, then silence on the kept-alive connection (closed by the server after
  the keep-alive timeout, 5 s);
- **slow**: a request head dribbled one byte a second (cut by the head timeout, 10 s, with 408);
- **oversized**: a 256 KiB header, never terminated (431 after the 64 KiB head limit);
- **normal**: the start endpoint with a demo token (302) on a kept-alive connection, every 0.5-1 s.

Meanwhile this process opens a new connection for ``GET /__mock/health`` every 50 ms, and reads
the server's ``VmRSS`` from ``/proc/PID/status`` every 0.2 s. It prints a table and exits non-zero
when a limit is broken: health p100 under 100 ms, RSS max under 80 MB, and every connection
answered as its kind should be (no error on a normal request, 431 for every oversized head, 408
for every dribbled one within the timeout and a second). ``make bench`` runs it. Loopback only;
every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PIT = "pit-00000000-0000-4000-8000-000000000001"  # the demo fixtures' Private Integration Token
START = "/social-media-posting/oauth/tiktok-business/start?locationId=demo-location&userId=demo-user"
KINDS = ("slow", "idle", "oversized", "normal")  # the long-lived kinds start first
HEALTH_P100_MS = 100.0
RSS_MAX_MB = 80.0
HEAD_TIMEOUT = 10.0  # ghl_mock.connections.HEAD_TIMEOUT_SECONDS
KEEP_ALIVE = 5.0  # ghl_mock.runtime.KEEP_ALIVE_SECONDS
FILES_NEEDED = 4096


def raise_open_files() -> int:
    """Lift this process's soft RLIMIT_NOFILE (children inherit it): 1,000 sockets a side."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < FILES_NEEDED:
        soft = FILES_NEEDED if hard == resource.RLIM_INFINITY else min(FILES_NEEDED, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


# --- the load (a child process, so its event loop never delays the health check) ---------------


async def read_response(reader: asyncio.StreamReader) -> int:
    """One response's status; its body (Content-Length) read too."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    match = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
    if match:
        await reader.readexactly(int(match.group(1)))
    return status


async def read_to_close(reader: asyncio.StreamReader, limit: float) -> bytes:
    chunks: list[bytes] = []
    with contextlib.suppress(ConnectionError):
        while chunk := await asyncio.wait_for(reader.read(65536), limit):
            chunks.append(chunk)
    return b"".join(chunks)


class Tally:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.cut_after: dict[str, list[float]] = {"idle": [], "slow": []}
        self.open = 0
        self.max_open = 0

    def opened(self) -> None:
        self.open += 1
        self.max_open = max(self.max_open, self.open)

    def closed(self) -> None:
        self.open -= 1


async def client(kind: str, host: str, port: int, until: float, tally: Tally) -> None:
    request = f"GET /__mock/health HTTP/1.1\r\nHost: {host}:{port}\r\n".encode()
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
        except (OSError, TimeoutError):
            tally.counts[f"{kind}: connect failed"] += 1
            await asyncio.sleep(0.5)
            continue
        tally.opened()
        tally.counts[f"{kind}: connections"] += 1
        try:
            await behave(kind, request, reader, writer, until, tally)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            tally.counts[f"{kind}: error {type(exc).__name__}"] += 1
        finally:
            tally.closed()
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def behave(
    kind: str,
    request: bytes,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    until: float,
    tally: Tally,
) -> None:
    if kind == "idle":
        writer.write(request + b"\r\n")
        status = await asyncio.wait_for(read_response(reader), 10)
        began = time.monotonic()
        rest = await read_to_close(reader, KEEP_ALIVE + 5)
        tally.cut_after["idle"].append(time.monotonic() - began)
        outcome = f"request {status}" if status != 200 else "bytes after idling" if rest else "closed silently"
        tally.counts[f"idle: {outcome}"] += 1
    elif kind == "slow":
        began = time.monotonic()
        writer.write(request + b"X-Slow: ")
        answer = b""
        while time.monotonic() - began < HEAD_TIMEOUT + 5:
            try:
                answer = await asyncio.wait_for(reader.read(65536), 1.0)  # one byte a second
                break
            except TimeoutError:
                writer.write(b"s")
        answer += await read_to_close(reader, 5)
        tally.cut_after["slow"].append(time.monotonic() - began)
        tally.counts[f"slow: {answer[9:12].decode() or 'no answer'}"] += 1
    elif kind == "oversized":
        writer.write(request + b"X-Big: ")
        with contextlib.suppress(ConnectionError):
            for _ in range(16):  # 256 KiB in 16 KiB writes, never terminated
                writer.write(b"o" * 16384)
                await asyncio.wait_for(writer.drain(), 10)
        answer = await read_to_close(reader, 10)
        tally.counts[f"oversized: {answer[9:12].decode() or 'no answer'}"] += 1
        await asyncio.sleep(random.uniform(0.2, 0.8))  # noqa: S311 - pacing, not secrets
    else:  # normal: the success path, on one kept-alive connection
        headers = f"Version: 2021-07-28\r\nAuthorization: Bearer {PIT}\r\nHost: x\r\n\r\n".encode()
        while time.monotonic() < until:
            writer.write(f"GET {START} HTTP/1.1\r\n".encode() + headers)
            tally.counts[f"normal: {await asyncio.wait_for(read_response(reader), 10)}"] += 1
            await asyncio.sleep(random.uniform(0.5, 1.0))  # noqa: S311


async def load(url: str, connections: int, seconds: float, kinds: tuple[str, ...]) -> dict[str, Any]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    tally = Tally()
    until = time.monotonic() + seconds
    tasks = []
    for n in range(connections):
        kind = kinds[n % len(kinds)]
        tasks.append(asyncio.create_task(client(kind, host, port, until, tally)))
        if n % 50 == 49:
            await asyncio.sleep(0.05)  # 1,000 connections over about a second
    await asyncio.gather(*tasks)
    return {"counts": dict(tally.counts), "cut_after": tally.cut_after, "max_open": tally.max_open}


# --- the measuring side -------------------------------------------------------------------------


def health_ms(host: str, port: int) -> float:
    """A new connection, GET /__mock/health, the whole answer: milliseconds."""
    began = time.perf_counter()
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(b"GET /__mock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    if not data.startswith(b"HTTP/1.1 200 "):
        raise RuntimeError(f"health answered {data[:60]!r}")
    return (time.perf_counter() - began) * 1000


def rss_mb(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else 0.0


def open_fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def soak(connections: int, seconds: float, kinds: tuple[str, ...]) -> int:
    limit = raise_open_files()
    server = subprocess.Popen(
        [sys.executable, "-m", "ghl_mock", "serve", "--host", "127.0.0.1", "--port", "0", "--no-access-log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None and server.stderr is not None
        line = server.stdout.readline()
        if not line.startswith("ghl-mock ready on "):
            print(f"ghl-mock did not start: {line!r} {server.stderr.read()}", file=sys.stderr)
            return 2
        url = line.removeprefix("ghl-mock ready on ").strip()
        host, port = urlsplit(url).hostname or "127.0.0.1", urlsplit(url).port or 80
        errors: list[str] = []
        for stream in (server.stdout, server.stderr):  # drained, so a full pipe never blocks it
            threading.Thread(target=lambda s=stream: errors.extend(s), daemon=True).start()
        rss_start = rss_mb(server.pid)

        load_proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--load",
                url,
                "--connections",
                str(connections),
                "--seconds",
                str(seconds),
                "--kinds",
                ",".join(kinds),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        latencies: list[float] = []
        health_failures: list[str] = []
        rss: list[float] = []
        fds: list[int] = []
        next_sample = 0.0
        while load_proc.poll() is None:
            now = time.monotonic()
            if now >= next_sample:
                rss.append(rss_mb(server.pid))
                fds.append(open_fds(server.pid))
                next_sample = now + 0.2
            try:
                latencies.append(health_ms(host, port))
            except (OSError, RuntimeError) as exc:
                health_failures.append(repr(exc))
            time.sleep(0.05)
        out, _ = load_proc.communicate(timeout=30)
        result = json.loads(out.strip().splitlines()[-1])
        time.sleep(0.5)
        rss_end = rss_mb(server.pid)
        server.send_signal(signal.SIGTERM)
        exit_code = server.wait(10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(5)
    return report(
        Run(kinds, connections, seconds, limit, result, latencies, health_failures, rss, rss_start, rss_end, fds),
        errors,
        exit_code,
    )


@dataclass
class Run:
    kinds: tuple[str, ...]
    connections: int
    seconds: float
    open_files: int
    load: dict[str, Any]  # the load process's tally
    latencies: list[float]
    health_failures: list[str]
    rss: list[float]
    rss_start: float
    rss_end: float
    fds: list[int]


#: What every connection of a kind must end with, and within how many seconds (None: not timed).
EXPECTED: dict[str, tuple[str, str, float | None]] = {
    "slow": (f"every dribbled head 408, within {HEAD_TIMEOUT + 1:g} s", "408", HEAD_TIMEOUT + 1),
    "idle": (f"every idle connection closed silently, within {KEEP_ALIVE + 1:g} s", "closed silently", KEEP_ALIVE + 1),
    "oversized": ("every oversized head 431", "431", None),
    "normal": ("every normal request 302", "302", None),
}


def report(run: Run, server_output: list[str], exit_code: int) -> int:
    cut: dict[str, list[float]] = run.load["cut_after"]
    outcomes = {kind: Counter[str]() for kind in run.kinds}
    for key, n in run.load["counts"].items():
        kind, outcome = key.split(": ", 1)
        outcomes[kind][outcome] = n
    connections = {kind: seen.pop("connections", 0) for kind, seen in outcomes.items()}

    print(
        f"\nghl-mock connection soak: {run.connections} concurrent connections for {run.seconds:g} s "
        f"(RLIMIT_NOFILE {run.open_files}), {os.cpu_count()} cores\n"
    )
    print("| kind | connections | outcomes | cut after (min / median / max) |")
    print("|---|---|---|---|")
    for kind in run.kinds:
        listed = ", ".join(f"{outcome} ×{n}" for outcome, n in sorted(outcomes[kind].items()))
        times = cut.get(kind) or []
        spread = f"{min(times):.1f} / {statistics.median(times):.1f} / {max(times):.1f} s" if times else "-"
        print(f"| {kind} | {connections[kind]} | {listed} | {spread} |")
    p100 = max(run.latencies, default=float("inf"))
    rss_max = max(run.rss, default=0.0)
    print(
        f"\nmost connections open at once (client side): {run.load['max_open']}; "
        f"server file descriptors max: {max(run.fds, default=0)}"
    )
    print(
        f"health: {len(run.latencies)} checks, {len(run.health_failures)} failed; "
        f"p50 {percentile(run.latencies, 0.5):.1f} ms, p99 {percentile(run.latencies, 0.99):.1f} ms, "
        f"p100 {p100:.1f} ms"
    )
    print(
        f"RSS: {run.rss_start:.1f} MB at start, max {rss_max:.1f} MB, {run.rss_end:.1f} MB at the end "
        f"({len(run.rss)} samples, every 0.2 s)"
    )

    checks = [
        (f"health p100 < {HEALTH_P100_MS:g} ms", p100 < HEALTH_P100_MS and not run.health_failures, f"{p100:.1f} ms"),
        (f"RSS max < {RSS_MAX_MB:g} MB", rss_max < RSS_MAX_MB, f"{rss_max:.1f} MB"),
    ]
    for kind in run.kinds:
        name, expected, seconds = EXPECTED[kind]
        seen, times = outcomes[kind], cut.get(kind, [])
        ok = set(seen) == {expected} and (seconds is None or max(times, default=float("inf")) < seconds)
        measured = f"{seen[expected]} of {sum(seen.values())}"
        if seconds is not None:
            measured += f", max {max(times, default=0):.1f} s"
        checks.append((name, ok, measured))
    checks += [
        ("no traceback from the server", not any("Traceback" in line for line in server_output), "-"),
        ("SIGTERM exit code 0", exit_code == 0, str(exit_code)),
    ]
    print("\n| limit | result | measured |")
    print("|---|---|---|")
    for name, ok, measured in checks:
        print(f"| {name} | {'ok' if ok else 'BROKEN'} | {measured} |")
    if run.health_failures:
        print("health failures:", *sorted(set(run.health_failures))[:5], sep="\n  ")
    broken = [name for name, ok, _ in checks if not ok]
    if broken:
        print(f"\nsoak: {len(broken)} limit(s) broken: {'; '.join(broken)}")
        return 1
    print("\nsoak: every limit met")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument(
        "--seconds", type=float, default=25, help="how long the load lasts (over 10: see the head timeout)"
    )
    parser.add_argument("--kinds", default=",".join(KINDS), help="the kinds of client, shared out in turn")
    parser.add_argument("--load", metavar="URL", help=argparse.SUPPRESS)  # the load process
    args = parser.parse_args()
    kinds = tuple(args.kinds.split(","))
    if not kinds or set(kinds) - set(KINDS):
        parser.error(f"--kinds: a comma-separated choice of {', '.join(KINDS)}")
    if args.load:
        raise_open_files()
        print(json.dumps(asyncio.run(load(args.load, args.connections, args.seconds, kinds))), flush=True)
        return 0
    return soak(args.connections, args.seconds, kinds)


if __name__ == "__main__":
    sys.exit(main())

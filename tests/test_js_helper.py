"""The JavaScript helper (``js/``, the npm package ``ghl-mock``): its own ``node:test`` suite against
real servers started through ``GhlMock.start()``, the package as npm packs and installs it, and
its hand-written ``index.d.ts`` type-checked against code that uses it (and against ``index.js``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_examples import node_tools, run

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "js"
#: What `import("ghl-mock")` gives, and nothing else (index.d.ts declares the same names).
EXPORTS = [
    "DEMO_LOCATION",
    "DEMO_USER",
    "GhlMock",
    "GhlMockError",
    "SCENARIO_HEADER",
    "SESSION_HEADER",
    "VERSION",
    "default",
    "differences",
]
#: Pinned, so a new TypeScript cannot turn the check red on its own.
TYPESCRIPT = "typescript@5.9.3"
TYPES_NODE = "@types/node@20"


def mock_env() -> dict[str, str]:
    """The helper starts this checkout's server with the running interpreter, whatever is on PATH."""
    return {"GHL_MOCK_COMMAND": f"{sys.executable} -m ghl_mock serve", "GHL_MOCK_URL": ""}


def summary(tap: str) -> dict[str, int]:
    """The counts at the end of node --test's TAP output (``# pass 33`` ...)."""
    return {
        name: int(count) for name, count in re.findall(r"^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$", tap, re.M)
    }


def test_the_helpers_own_suite_passes() -> None:
    node, _ = node_tools()
    out = run([node, "--test", "--test-reporter=tap"], JS, env=mock_env(), timeout=300)
    counts = summary(out)
    assert counts.get("fail") == 0, out
    assert counts.get("pass", 0) >= 30, out  # process.test.js and control.test.js, every test
    assert counts["pass"] == counts["tests"], out  # nothing skipped, cancelled or todo
    assert "# Subtest: assertCalled() fails with the matching requests and the near misses" in out


def test_the_summary_parser_sees_failures() -> None:
    assert summary("ok 1 - a\nnot ok 2 - b\n1..2\n# tests 2\n# pass 1\n# fail 1\n") == {
        "tests": 2,
        "pass": 1,
        "fail": 1,
    }


def offline_or_fail(result: subprocess.CompletedProcess[str], what: str) -> None:
    """An npm call that needs the registry: no network is a loud skip (a failure in CI)."""
    if result.returncode == 0:
        return
    output = result.stdout + result.stderr
    if re.search(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|ECONNRESET", output) and not os.environ.get(
        "CI"
    ):
        pytest.skip(f"{what.upper()} NOT RUN: the npm registry is not reachable:\n{output[-1000:]}")
    pytest.fail(f"{what} failed:\n{output[-3000:]}", pytrace=False)


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project that installed the helper as npm packs it (a tarball: only its "files")."""
    _, npm = node_tools()
    tmp = tmp_path_factory.mktemp("js-helper")
    packed = json.loads(run([npm, "pack", "--json", "--pack-destination", str(tmp)], JS))
    (tarball,) = packed
    assert sorted(f["path"] for f in tarball["files"]) == ["README.md", "index.d.ts", "index.js", "package.json"]
    project = tmp / "consumer"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "consumer", "private": True, "type": "module"}))
    run([npm, "install", "--offline", "--no-audit", "--no-fund", str(tmp / tarball["filename"])], project)
    installed = project / "node_modules" / "ghl-mock"
    assert installed.is_dir() and not installed.is_symlink()
    return project


def test_the_packed_package_installs_and_imports(consumer: Path) -> None:
    node, _ = node_tools()
    manifest = json.loads((consumer / "node_modules" / "ghl-mock" / "package.json").read_text())
    assert manifest["type"] == "module" and manifest["engines"] == {"node": ">=18"}
    assert not manifest.get("dependencies"), "the helper has no runtime dependencies"
    check = """
      const m = await import("ghl-mock");
      const mock = new m.GhlMock({ url: "http://127.0.0.1:1/" });
      console.log(JSON.stringify({
        exports: Object.keys(m).sort(),
        url: mock.url,
        defaultIsGhlMock: m.default === m.GhlMock,
        errorIsError: new m.GhlMockError("x") instanceof Error,
        methods: Object.getOwnPropertyNames(m.GhlMock.prototype).sort(),
      }));
    """
    out = json.loads(run([node, "--input-type=module", "-e", check], consumer))
    assert out["exports"] == EXPORTS
    assert out["url"] == "http://127.0.0.1:1"
    assert out["defaultIsGhlMock"] and out["errorIsError"]
    methods = ["token", "headers", "connect", "finish", "useScenario", "stopScenario", "addScenario"]
    methods += ["removeScenario", "reset", "journal", "requests", "assertCalled", "assertNotCalled", "accounts"]
    for method in [*methods, "serverErrors", "stop"]:
        assert method in out["methods"], method


USAGE_TS = """
import GhlMockDefault, {
  DEMO_LOCATION, GhlMock, GhlMockError, VERSION, differences,
  type ConsentMessage, type JournalEntry, type ScenarioInfo,
} from "ghl-mock";

export async function usage(): Promise<void> {
  const mock: GhlMock = await GhlMock.start({ args: ["--scenario", "rate-limited"], timeoutMs: 10_000 });
  const same: typeof GhlMock = GhlMockDefault;
  const shared = await same.fromEnv();
  const url: string = mock.url;
  const token: string = await mock.token({ locationId: DEMO_LOCATION, scopes: ["a"], expiresIn: -1 });
  const headers: Record<string, string> = await mock.headers({ token, version: VERSION });
  const message: ConsentMessage = await mock.connect({ platform: "youtube", decision: "cancel", session: "s" });
  const accountId: string | undefined = message.payload.accountId;
  const finished: ConsentMessage = await mock.finish(new URL(url), { decision: "approve" });
  const active: string[] = await mock.useScenario("rate-limited", "gateway-503");
  await mock.stopScenario("rate-limited");
  const scenario = { description: "d", steps: [{ match: { endpoint: "start" }, gateway: 503 }] };
  const added: ScenarioInfo = await mock.addScenario("mine", scenario, { activate: true });
  await mock.removeScenario(added.name);
  await mock.reset({ session: "s" });
  const entries: JournalEntry[] = await mock.journal({ path: "/start", status: 429, limit: 5 });
  const status: number | null = entries[0].status;
  await mock.requests({ method: "GET", step: "rate-limited/1" });
  const matched: JournalEntry[] = await mock.assertCalled({ path: "/start", times: 2 });
  await mock.assertNotCalled({ session: "other" });
  const { grants, accounts } = await mock.accounts({ platform: "facebook" });
  const why: string[] = differences({ path: "/x" }, matched[0]);
  await mock.serverErrors();
  const code: number | null | undefined = await mock.stop({ timeoutMs: 1000 });
  try {
    await shared.health();
  } catch (error) {
    if (error instanceof GhlMockError) {
      const details: [string | undefined, number | undefined, unknown] = [error.method, error.status, error.body];
      void details;
    }
  }
  void [headers, accountId, finished, active, status, grants, accounts, why, code];

  // @ts-expect-error: decision is approve or cancel
  await mock.connect({ decision: "maybe" });
  // @ts-expect-error: token() resolves with the token string
  const notInfo: { token: string } = await mock.token();
  // @ts-expect-error: a filter's status is a number
  await mock.assertCalled({ status: "429" });
  // @ts-expect-error: start() takes the command as an array
  await GhlMock.start({ command: "ghl-mock serve" });
  // @ts-expect-error: a scenario needs its description and steps
  await mock.addScenario("bad", { steps: [] });
  void notInfo;
}
"""


@pytest.fixture(scope="module")
def tsc(consumer: Path) -> list[str]:
    """TypeScript (pinned) and Node's types, installed beside the helper in the consumer project."""
    node, npm = node_tools()
    installed = subprocess.run(
        [npm, "install", "--no-save", "--no-audit", "--no-fund", TYPESCRIPT, TYPES_NODE],
        cwd=consumer,
        capture_output=True,
        text=True,
        timeout=300,
    )
    offline_or_fail(installed, f"the type check ({TYPESCRIPT})")
    return [node, str(consumer / "node_modules" / "typescript" / "bin" / "tsc")]


STRICT = ["--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext"]


def test_index_d_ts_types_a_users_code(consumer: Path, tsc: list[str]) -> None:
    """A user's TypeScript against the installed package's index.d.ts: right uses pass, and each
    wrong one is an error (an unused ``@ts-expect-error`` fails the check)."""
    (consumer / "usage.ts").write_text(USAGE_TS)
    run([*tsc, *STRICT, "usage.ts"], consumer)


def test_index_js_jsdoc_checks_against_index_d_ts(consumer: Path, tsc: list[str]) -> None:
    """index.js's JSDoc, strict (its ``import("./index.js")`` types resolve to index.d.ts)."""
    types = str(consumer / "node_modules" / "@types")
    run(
        [*tsc, *STRICT, "--allowJs", "--checkJs", "--typeRoots", types, "--types", "node", str(JS / "index.js")],
        consumer,
    )


def test_the_type_check_can_fail(consumer: Path, tsc: list[str]) -> None:
    """A wrong use is reported (so the checks above are not vacuous)."""
    (consumer / "wrong.ts").write_text('import { GhlMock } from "ghl-mock";\nnew GhlMock({ url: 8080 });\n')
    result = subprocess.run([*tsc, *STRICT, "wrong.ts"], cwd=consumer, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "wrong.ts(2," in result.stdout, result.stdout + result.stderr

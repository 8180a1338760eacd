// GhlMock.start() and stop(): a real `ghl-mock serve` child process. The command comes from
// GHL_MOCK_COMMAND (e.g. "/path/to/python -m ghl_mock serve"), else `ghl-mock serve` on PATH.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { GhlMock, GhlMockError } from "../index.js";

const INDEX = fileURLToPath(new URL("../index.js", import.meta.url));

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === "EPERM";
  }
  try {
    // An orphan that exited stays a zombie until init reaps it (some containers' init never does).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (macOS): signal 0 is all we have
  }
}

/** A port of 127.0.0.1 nothing listens on (fetch refuses some well-known ones, such as 9). */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function gone(pid, withinMs = 10_000) {
  const deadline = Date.now() + withinMs;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL"); // fail, but leave nothing running
      return false;
    }
    await sleep(25);
  }
  return true;
}

test("start() serves on a free port of 127.0.0.1; stop() ends the process with exit code 0", async () => {
  const mock = await GhlMock.start();
  assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(mock.url, "http://127.0.0.1:0");
  assert.equal(mock.owned, true);
  assert.equal(typeof mock.pid, "number");
  assert.ok(alive(mock.pid));
  assert.deepEqual(await mock.health(), { status: "ok" });
  assert.match(mock.output(), /ghl-mock ready on http:\/\/127\.0\.0\.1:\d+/);

  assert.equal(await mock.stop(), 0);
  assert.ok(await gone(mock.pid), `pid ${mock.pid} still runs after stop()`);
  await assert.rejects(mock.health(), (error) => {
    assert.ok(error instanceof GhlMockError);
    assert.match(error.message, /not reachable at http:\/\/127\.0\.0\.1:\d+ .*stop\(\) stopped it/);
    return true;
  });
  assert.equal(await mock.stop(), 0, "a second stop() is harmless");
});

test("two mocks at once get different ports and separate state", async () => {
  const [a, b] = await Promise.all([GhlMock.start(), GhlMock.start()]);
  try {
    assert.notEqual(a.url, b.url);
    await a.connect();
    assert.equal((await a.accounts()).grants.length, 1);
    assert.equal((await b.accounts()).grants.length, 0);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test("args reach ghl-mock serve: --scenario activates from the start", async () => {
  const mock = await GhlMock.start({ args: ["--scenario", "rate-limited"] });
  try {
    assert.deepEqual((await mock.scenarios()).active, ["rate-limited"]);
  } finally {
    await mock.stop();
  }
});

test("a command that does not exist: a clear GhlMockError, at once", async () => {
  const started = Date.now();
  await assert.rejects(GhlMock.start({ command: ["/nonexistent/ghl-mock-nowhere", "serve"] }), (error) => {
    assert.ok(error instanceof GhlMockError, `got ${error}`);
    assert.match(
      error.message,
      /cannot start ghl-mock \(\/nonexistent\/ghl-mock-nowhere serve --port 0 --host 127\.0\.0\.1\)/,
    );
    assert.match(error.message, /was not found; install ghl-mock's Python package .* or set GHL_MOCK_COMMAND/);
    return true;
  });
  assert.ok(Date.now() - started < 5_000);
});

test("a server that exits before it is ready: its exit code and its own message", async () => {
  await assert.rejects(GhlMock.start({ args: ["--scenario", "no-such-scenario"] }), (error) => {
    assert.ok(error instanceof GhlMockError, `got ${error}`);
    assert.match(error.message, /exited with code 4 before it was ready; its output:/);
    assert.match(error.message, /unknown scenario\(s\) no-such-scenario/);
    return true;
  });
});

test("a command that never prints the ready line: timeoutMs, then the process is killed", async () => {
  const script = 'console.log("pid", process.pid); console.error("warming up"); setInterval(() => {}, 1000);';
  const started = Date.now();
  let message = "";
  await assert.rejects(GhlMock.start({ command: [process.execPath, "-e", script, "--"], timeoutMs: 700 }), (error) => {
    assert.ok(error instanceof GhlMockError, `got ${error}`);
    message = error.message;
    return true;
  });
  assert.ok(Date.now() - started < 5_000, "it did not hang");
  assert.match(message, /did not print "ghl-mock ready on \.\.\." within 700 ms/);
  assert.match(message, /warming up/);
  const pid = Number(/pid (\d+)/.exec(message)[1]);
  assert.ok(await gone(pid), `the silent child ${pid} was left running`);
});

test("new GhlMock({url}) drives a running mock; its stop() leaves that mock alone", async () => {
  const owner = await GhlMock.start();
  try {
    const other = new GhlMock({ url: `${owner.url}/` });
    assert.equal(other.url, owner.url);
    assert.equal(other.owned, false);
    assert.equal(await other.stop(), undefined);
    await other.connect();
    assert.equal((await owner.accounts()).grants.length, 1);
  } finally {
    await owner.stop();
  }
});

test("fromEnv(): GHL_MOCK_URL when set, else a new mock", async (t) => {
  const owner = await GhlMock.start();
  const saved = process.env.GHL_MOCK_URL;
  t.after(async () => {
    if (saved === undefined) delete process.env.GHL_MOCK_URL;
    else process.env.GHL_MOCK_URL = saved;
    await owner.stop();
  });
  process.env.GHL_MOCK_URL = owner.url;
  const shared = await GhlMock.fromEnv();
  assert.equal(shared.url, owner.url);
  assert.equal(shared.owned, false);

  const port = await closedPort();
  process.env.GHL_MOCK_URL = `http://127.0.0.1:${port}`;
  await assert.rejects(GhlMock.fromEnv(), (error) => {
    assert.ok(error instanceof GhlMockError);
    assert.equal(error.message.split(" (")[0], `ghl-mock is not reachable at http://127.0.0.1:${port}`);
    assert.match(error.message, /\(GET \/__mock\/health: ECONNREFUSED\)/);
    return true;
  });

  process.env.GHL_MOCK_URL = "";
  const own = await GhlMock.fromEnv();
  try {
    assert.equal(own.owned, true);
    assert.notEqual(own.url, owner.url);
  } finally {
    await own.stop();
  }
});

test("new GhlMock() without a URL says what it needs", () => {
  assert.throws(() => new GhlMock({}), /needs the mock's base URL, e\.g\. http:\/\/127\.0\.0\.1:8080; got undefined/);
  assert.throws(() => new GhlMock({ url: "127.0.0.1:8080" }), GhlMockError);
});

// A Node process that starts a mock and then ends without stop(): the mock must not outlive it.
async function orphan(ending) {
  const script = `
    import { GhlMock } from ${JSON.stringify(INDEX)};
    const mock = await GhlMock.start();
    console.log("server", mock.pid);
    ${ending}
  `;
  const parent = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: parent.stdout });
  const pid = await new Promise((resolve, reject) => {
    lines.on("line", (text) => {
      const found = /^server (\d+)$/.exec(text);
      if (found) resolve(Number(found[1]));
    });
    parent.once("exit", (code) => reject(new Error(`the parent exited (${code}) before the mock started`)));
  });
  const exit = await new Promise((resolve) => {
    if (parent.exitCode !== null || parent.signalCode !== null) resolve(parent.exitCode ?? parent.signalCode);
    parent.once("exit", (code, signal) => resolve(code ?? signal));
    setTimeout(() => resolve("still running after 15 s"), 15_000).unref();
  });
  if (typeof exit === "string" && exit.startsWith("still")) {
    parent.kill("SIGKILL");
    process.kill(pid, "SIGKILL");
  }
  return { pid, exit };
}

test("a process that ends without stop() (its event loop empties) takes its mock with it", async () => {
  const { pid, exit } = await orphan("// nothing: the unref'd child must not keep this process alive");
  assert.equal(exit, 0);
  assert.ok(await gone(pid), `the mock ${pid} outlived its parent`);
});

test("process.exit() and SIGTERM to the parent also end the mock", async () => {
  const exited = await orphan("process.exit(3);");
  assert.equal(exited.exit, 3);
  assert.ok(await gone(exited.pid), `the mock ${exited.pid} outlived process.exit()`);

  const killed = await orphan("setInterval(() => {}, 1000); process.kill(process.pid, 'SIGTERM');");
  assert.equal(killed.exit, "SIGTERM", "the parent still dies of SIGTERM, as it would without the helper");
  assert.ok(await gone(killed.pid), `the mock ${killed.pid} outlived a SIGTERM to its parent`);
});

// ghl-mock's helper for JavaScript and TypeScript tests: start `ghl-mock serve` as a child
// process (or use one that is already running) and drive it through its control API.
// No dependencies: global fetch, node:child_process, node:readline.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** The `Version` header HighLevel's v1 endpoints document. */
export const VERSION = "2021-07-28";
/** The demo fixtures' location and user (the defaults of `token()` and `connect()`). */
export const DEMO_LOCATION = "demo-location";
export const DEMO_USER = "demo-user";
/** Request headers ghl-mock reads (HighLevel ignores them). */
export const SESSION_HEADER = "X-Mock-Session";
export const SCENARIO_HEADER = "X-Mock-Scenario";

const READY = /^ghl-mock ready on (\S+)/;
/** @type {Array<keyof import("./index.js").JournalFilter>} */
const JOURNAL_FIELDS = ["path", "method", "status", "session", "step"];
/** Large enough for any journal (the server's `--journal-size` defaults to 1000). */
const ALL = 1_000_000;
const OUTPUT_LINES = 200;

/**
 * What went wrong with the mock: a control call answered an error, the mock is not reachable,
 * it did not start, or an assertion about the requests it received failed.
 */
export class GhlMockError extends Error {
  /**
   * @param {string} message
   * @param {{method?: string, path?: string, status?: number, body?: unknown, url?: string,
   *   errors?: unknown[], cause?: unknown}} [details]
   */
  constructor(message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "GhlMockError";
    /** @type {string | undefined} the control call's method */
    this.method = details.method;
    /** @type {string | undefined} the control call's path */
    this.path = details.path;
    /** @type {number | undefined} the HTTP status it answered */
    this.status = details.status;
    /** @type {unknown} the body it answered (parsed JSON, else text) */
    this.body = details.body;
    /** @type {string | undefined} the mock's base URL */
    this.url = details.url;
    /** @type {unknown[] | undefined} `[{field, reason}]` for a bad body; tracebacks for `serverErrors()` */
    this.errors = details.errors;
  }
}

// --- child processes: killed when this process exits ---------------------------------------

/** @type {Set<import("node:child_process").ChildProcess>} */
const children = new Set();
const SIGNALS = /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"]);

function killChildren() {
  for (const child of children) {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
  }
}

/** @param {NodeJS.Signals} signal */
function onSignal(signal) {
  killChildren();
  removeHandlers();
  // Nobody else handles this signal: die of it, as this process would have without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
/** @type {Map<string, () => void>} */
const handlers = new Map();

function addHandlers() {
  if (handlers.size) return;
  process.on("exit", killChildren);
  for (const signal of SIGNALS) {
    const handler = () => onSignal(signal);
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
}

function removeHandlers() {
  process.removeListener("exit", killChildren);
  for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  handlers.clear();
}

/** @param {import("node:child_process").ChildProcess} child */
function track(child) {
  children.add(child);
  addHandlers();
  const untrack = () => {
    children.delete(child);
    if (!children.size) removeHandlers();
  };
  child.once("exit", untrack);
  child.once("error", untrack); // it did not start (no "exit" then)
  child.on("error", () => {}); // reported by start(); a later one (a failed kill) must not crash us
}

// --- helpers ----------------------------------------------------------------------------------

/** @param {string | undefined} value */
function splitCommand(value) {
  const text = (value ?? "").trim();
  if (!text) return undefined;
  if (text.startsWith("[")) {
    const parsed = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.length || !parsed.every((p) => typeof p === "string")) {
      throw new GhlMockError(`GHL_MOCK_COMMAND is a JSON array of strings or words separated by spaces: ${text}`);
    }
    return parsed;
  }
  return text.split(/\s+/);
}

/** @param {string[]} argv @param {string} option */
function hasOption(argv, option) {
  return argv.some((arg) => arg === option || arg.startsWith(`${option}=`));
}

/** @param {string[]} lines */
function tail(lines) {
  const text = lines.slice(-30).join("\n").trim();
  return text ? `\n${text}` : " (no output)";
}

/** @param {unknown} value */
function show(value) {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** @param {number} n */
function times(n) {
  return `${n} time${n === 1 ? "" : "s"}`;
}

/**
 * Checks a filter's keys, so a misspelt one (`{paht: ...}`) is an error, not "match everything".
 * @template {object} T
 * @param {T | undefined} filter
 * @param {string[]} allowed
 * @param {string} method
 * @returns {T}
 */
function checkKeys(filter, allowed, method) {
  if (filter === undefined || filter === null) return /** @type {T} */ ({});
  if (typeof filter !== "object" || Array.isArray(filter)) {
    throw new GhlMockError(`${method}() takes an object such as {path: "/oauth/", status: 429}, not ${show(filter)}`);
  }
  const unknown = Object.keys(filter).filter((key) => !allowed.includes(key));
  if (unknown.length) {
    throw new GhlMockError(`${method}() does not know ${unknown.join(", ")}; it takes ${allowed.join(", ")}`);
  }
  return filter;
}

/**
 * @param {import("./index.js").JournalFilter} where
 * @param {import("./index.js").JournalEntry} entry
 * @returns {string[]} why the entry does not match, one phrase per differing field
 */
export function differences(where, entry) {
  const out = [];
  if (where.path != null && !entry.path.includes(where.path)) {
    out.push(`path ${show(entry.path)} does not contain ${show(where.path)}`);
  }
  if (where.method != null && where.method.toUpperCase() !== entry.method) {
    out.push(`method ${entry.method} is not ${where.method.toUpperCase()}`);
  }
  if (where.status != null && Number(where.status) !== entry.status) {
    out.push(`status ${entry.status} is not ${where.status}`);
  }
  if (where.session != null && where.session !== entry.session) {
    out.push(`session ${show(entry.session)} is not ${show(where.session)}`);
  }
  if (where.step != null && !stepMatches(where.step, entry.step)) {
    out.push(`step ${show(entry.step)} is not ${show(where.step)}`);
  }
  return out;
}

/** `scenario/2` matches that step exactly; `scenario` matches any of its steps. */
function stepMatches(/** @type {string} */ wanted, /** @type {string | null} */ step) {
  if (step == null) return false;
  return step === wanted || (!wanted.includes("/") && step.split("/")[0] === wanted);
}

/** @param {import("./index.js").JournalEntry} entry */
function line(entry) {
  const why = entry.rule || entry.step || "";
  const query = entry.query ? `?${entry.query}` : "";
  return `#${entry.id} ${entry.method} ${entry.path}${query} -> ${entry.status}${why ? ` (${why})` : ""}`;
}

/**
 * @param {import("./index.js").JournalFilter} where
 * @param {number | undefined} expected
 * @param {import("./index.js").JournalEntry[]} matched
 * @param {import("./index.js").JournalEntry[]} entries
 */
function failureMessage(where, expected, matched, entries) {
  const described =
    JOURNAL_FIELDS.filter((k) => where[k] != null)
      .map((k) => `${k}=${show(where[k])}`)
      .join(", ") || "any request";
  const wanted = expected === undefined ? "at least once" : expected === 0 ? "never" : `exactly ${times(expected)}`;
  const lines = [`ghl-mock: expected a request matching ${described} ${wanted}; it was made ${times(matched.length)}.`];
  if (matched.length) {
    lines.push("Matching requests:", ...matched.slice(0, 10).map((e) => `  ${line(e)}`));
  }
  const near = entries
    .map((entry) => ({ entry, diff: differences(where, entry) }))
    .filter(({ diff }) => diff.length > 0)
    .sort((a, b) => a.diff.length - b.diff.length) // stable: newest first among equals
    .slice(0, 5);
  if (near.length) {
    lines.push(
      "Near misses (closest first):",
      ...near.map(({ entry, diff }) => `  ${line(entry)}: ${diff.join("; ")}`),
    );
  } else if (!entries.length) {
    lines.push("The mock recorded no requests at all: is the client pointed at it?");
  }
  return lines.join("\n");
}

/** @param {Record<string, unknown>} params */
function queryOf(params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : "";
}

// --- the mock ---------------------------------------------------------------------------------

export class GhlMock {
  /** @type {import("node:child_process").ChildProcess | undefined} */
  #child;
  /** @type {Promise<{code: number | null, signal: NodeJS.Signals | null}> | undefined} */
  #exited;
  /** @type {string[]} */
  #output = [];
  #requestTimeoutMs;
  #stopped = false;

  /**
   * A mock that is already running (`ghl-mock serve`, or one `GhlMock.start()` started).
   * @param {{url: string, requestTimeoutMs?: number}} options
   */
  constructor(options) {
    const url = options?.url;
    if (typeof url !== "string" || !/^https?:\/\/[^/]/.test(url)) {
      throw new GhlMockError(
        `new GhlMock({url}) needs the mock's base URL, e.g. http://127.0.0.1:8080; got ${show(url)}`,
      );
    }
    /** The mock's base URL, without a trailing slash. */
    this.url = url.replace(/\/+$/, "");
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /**
   * Spawn `ghl-mock serve` on a free port of 127.0.0.1 and wait until it is listening.
   * @param {import("./index.js").StartOptions} [options]
   * @returns {Promise<GhlMock>}
   */
  static async start(options = {}) {
    const command = options.command ?? splitCommand(process.env.GHL_MOCK_COMMAND) ?? ["ghl-mock", "serve"];
    if (!Array.isArray(command) || !command.length) {
      throw new GhlMockError(`start({command}) takes the command as an array, e.g. ["ghl-mock", "serve"]`);
    }
    const args = [...(options.args ?? [])];
    const given = [...command, ...args];
    if (!hasOption(given, "--port")) args.push("--port", "0");
    if (!hasOption(given, "--host")) args.push("--host", "127.0.0.1");
    const timeoutMs = options.timeoutMs ?? 30_000;
    const argv = [...command.slice(1), ...args];
    const shown = [command[0], ...argv].join(" ");

    const child = spawn(command[0], argv, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    /** @type {string[]} */
    const output = [];
    const keep = (/** @type {string} */ text) => {
      output.push(text);
      if (output.length > OUTPUT_LINES) output.splice(0, output.length - OUTPUT_LINES);
    };
    const exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
      child.once("error", () => resolve({ code: null, signal: null }));
    });
    track(child);

    const stdout = createInterface({ input: /** @type {NodeJS.ReadableStream} */ (child.stdout) });
    createInterface({ input: /** @type {NodeJS.ReadableStream} */ (child.stderr) }).on("line", keep);

    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const url = await new Promise((resolve, reject) => {
      stdout.on("line", (text) => {
        keep(text);
        const ready = READY.exec(text);
        if (ready) resolve(ready[1]);
      });
      child.once("error", (/** @type {NodeJS.ErrnoException} */ error) => {
        const why =
          error.code === "ENOENT"
            ? `${show(command[0])} was not found; install ghl-mock's Python package (it puts ghl-mock on PATH) or set GHL_MOCK_COMMAND`
            : error.message;
        reject(new GhlMockError(`cannot start ghl-mock (${shown}): ${why}`, { cause: error }));
      });
      // `close`, not `exit`: by then both pipes are read to the end, so the output is complete.
      child.once("close", (code, signal) => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new GhlMockError(`ghl-mock (${shown}) ${how} before it was ready; its output:${tail(output)}`));
      });
      timer = setTimeout(() => {
        reject(
          new GhlMockError(
            `ghl-mock (${shown}) did not print "ghl-mock ready on ..." within ${timeoutMs} ms; its output:${tail(output)}`,
          ),
        );
      }, timeoutMs);
    }).catch(async (error) => {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill("SIGKILL");
        await exited;
      }
      throw error;
    });
    clearTimeout(timer);

    const mock = new GhlMock({ url, requestTimeoutMs: options.requestTimeoutMs });
    mock.#child = child;
    mock.#exited = exited;
    mock.#output = output;
    // Keep reading (a full pipe would block the server), but do not keep this process alive
    // for the mock's sake: a test file that forgets stop() still ends, and its exit kills the mock.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) /** @type {any} */ (stream)?.unref?.();
    return mock;
  }

  /**
   * `GHL_MOCK_URL` when it is set (a mock started elsewhere, shared: run test files one at a
   * time), else `GhlMock.start(options)`.
   * @param {import("./index.js").StartOptions} [options]
   */
  static async fromEnv(options) {
    const url = process.env.GHL_MOCK_URL;
    if (url) {
      const mock = new GhlMock({ url, requestTimeoutMs: options?.requestTimeoutMs });
      await mock.health();
      return mock;
    }
    return GhlMock.start(options);
  }

  /** True when this object started the server (and `stop()` ends it). */
  get owned() {
    return this.#child !== undefined;
  }

  /** The server's process id, when this object started it. */
  get pid() {
    return this.#child?.pid;
  }

  /** The server's recent output (stdout and stderr lines), when this object started it. */
  output() {
    return this.#output.join("\n");
  }

  /**
   * Stop the server this object started: SIGTERM, then SIGKILL after `timeoutMs`. Resolves
   * with its exit code (null if it was killed). A mock given by URL is left running.
   * @param {{timeoutMs?: number}} [options]
   * @returns {Promise<number | null | undefined>}
   */
  async stop({ timeoutMs = 5_000 } = {}) {
    const child = this.#child;
    const exited = this.#exited;
    if (!child || !exited) return undefined;
    this.#stopped = true;
    child.ref(); // keep this process alive while we wait
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const late = new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs, "late");
    });
    if ((await Promise.race([exited, late])) === "late") child.kill("SIGKILL");
    clearTimeout(timer);
    return (await exited).code;
  }

  // --- the control API ------------------------------------------------------------------------

  /**
   * One control call; throws GhlMockError on a connection failure or a status >= 400.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async #call(method, path, body) {
    /** @type {Response} */
    let response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(this.#requestTimeoutMs),
      });
    } catch (error) {
      throw this.#unreachable(method, path, error);
    }
    return this.#read(method, path, response);
  }

  /** @param {string} method @param {string} path @param {any} error */
  #unreachable(method, path, error) {
    const cause = error?.cause?.code ?? error?.cause?.message ?? error?.name ?? String(error);
    let message = `ghl-mock is not reachable at ${this.url} (${method} ${path}: ${cause}); is \`ghl-mock serve\` running?`;
    const child = this.#child;
    if (this.#stopped) {
      message = `ghl-mock is not reachable at ${this.url} (${method} ${path}): stop() stopped it`;
    } else if (child && (child.exitCode !== null || child.signalCode !== null)) {
      const how = child.signalCode ? `was killed by ${child.signalCode}` : `exited with code ${child.exitCode}`;
      message = `ghl-mock is not reachable at ${this.url} (${method} ${path}): the server ${how}; its output:${tail(this.#output)}`;
    }
    return new GhlMockError(message, { method, path, url: this.url, cause: error });
  }

  /** @param {string} method @param {string} path @param {Response} response */
  async #read(method, path, response) {
    const text = await response.text();
    /** @type {any} */
    let data = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    if (response.status >= 400) {
      const said = typeof data === "object" && data !== null && "message" in data ? data.message : text.slice(0, 500);
      throw new GhlMockError(`ghl-mock ${method} ${path} answered ${response.status}: ${[said].flat().join(", ")}`, {
        method,
        path,
        status: response.status,
        body: data,
        url: this.url,
        errors: typeof data === "object" && data !== null && Array.isArray(data.errors) ? data.errors : undefined,
      });
    }
    return data;
  }

  /** `{status: "ok"}` when the mock is up; throws GhlMockError when it is not reachable. */
  async health() {
    return this.#call("GET", "/__mock/health");
  }

  /**
   * A bearer token the mock accepts (a Location token for demo-location by default;
   * `companyId`: an Agency token; a negative `expiresIn`: already expired).
   * @param {import("./index.js").TokenOptions} [options]
   * @returns {Promise<string>}
   */
  async token(options = {}) {
    return (await this.tokenInfo(options)).token;
  }

  /**
   * The whole answer of POST /__mock/tokens: `{token, authClass, authClassId, scopes, expiresIn}`.
   * @param {import("./index.js").TokenOptions} [options]
   */
  async tokenInfo(options = {}) {
    const body = checkKeys(options, ["locationId", "companyId", "scopes", "expiresIn"], "token");
    return this.#call("POST", "/__mock/tokens", body);
  }

  /**
   * `Authorization` and `Version` headers (a new demo-location token unless one is given);
   * `session` and `scenario` add X-Mock-Session and X-Mock-Scenario.
   * @param {import("./index.js").HeadersOptions} [options]
   * @returns {Promise<Record<string, string>>}
   */
  async headers(options = {}) {
    const {
      token,
      version = VERSION,
      session,
      scenario,
    } = checkKeys(options, ["token", "version", "session", "scenario"], "headers");
    /** @type {Record<string, string>} */
    const headers = { Authorization: `Bearer ${token ?? (await this.token())}`, Version: String(version) };
    if (session) headers[SESSION_HEADER] = String(session);
    if (scenario) headers[SCENARIO_HEADER] = String(scenario);
    return headers;
  }

  /**
   * Run a platform's start → consent → finish without a browser (the mock runs it for you);
   * resolves with the message the popup posts to window.opener: `{payload, targetOrigin, post}`.
   * A flow that does not complete throws GhlMockError (`body.failedStep`, `body.status`, `body.body`).
   * @param {import("./index.js").ConnectOptions} [options]
   * @returns {Promise<import("./index.js").ConsentMessage>}
   */
  async connect(options = {}) {
    const body = checkKeys(
      options,
      ["platform", "locationId", "userId", "decision", "reconnect", "page", "version", "token", "session", "scenario"],
      "connect",
    );
    return this.#call("POST", "/__mock/connect", body);
  }

  /**
   * Finish a consent your own client started: `consentUrl` is the start's 302 Location. Does
   * what the popup does (the consent page, the user's decision, the finish page) and resolves
   * with the message the finish page posts. Throws GhlMockError when a page answers otherwise.
   * @param {string | URL} consentUrl
   * @param {{decision?: "approve" | "cancel"}} [options]
   * @returns {Promise<import("./index.js").ConsentMessage>}
   */
  async finish(consentUrl, { decision = "approve" } = {}) {
    const consent = new URL(consentUrl, this.url);
    if (!/\/__mock\/oauth\/[^/]+\/consent$/.test(consent.pathname)) {
      throw new GhlMockError(`finish() takes the consent page's URL (the start's Location), not ${consentUrl}`);
    }
    consent.searchParams.set("outcome", decision);
    const path = consent.pathname;
    /** @type {Response} */
    let answer;
    try {
      answer = await fetch(consent, { redirect: "manual", signal: AbortSignal.timeout(this.#requestTimeoutMs) });
    } catch (error) {
      throw this.#unreachable("GET", path, error);
    }
    if (answer.status !== 303) {
      const text = await answer.text();
      throw new GhlMockError(`the consent page answered ${answer.status}, not 303: ${text.slice(0, 500)}`, {
        method: "GET",
        path,
        status: answer.status,
        body: text,
        url: this.url,
      });
    }
    const finish = new URL(/** @type {string} */ (answer.headers.get("location")), consent);
    try {
      answer = await fetch(finish, {
        headers: { Accept: "application/json" }, // the message itself, not the page that posts it
        redirect: "manual",
        signal: AbortSignal.timeout(this.#requestTimeoutMs),
      });
    } catch (error) {
      throw this.#unreachable("GET", finish.pathname, error);
    }
    return this.#read("GET", finish.pathname, answer);
  }

  /**
   * Grants (what an accountId names) and connected accounts, oldest first.
   * @param {{locationId?: string, platform?: string}} [filter]
   * @returns {Promise<import("./index.js").AccountsListing>}
   */
  async accounts(filter = {}) {
    return this.#call("GET", `/__mock/accounts${queryOf(checkKeys(filter, ["locationId", "platform"], "accounts"))}`);
  }

  /**
   * Activate scenarios, in this order. Resolves with the active scenarios' names.
   * @param {...string} names
   * @returns {Promise<string[]>}
   */
  async useScenario(...names) {
    let active = [];
    for (const name of names) {
      ({ active } = await this.#call("POST", `/__mock/scenarios/${encodeURIComponent(name)}/activate`));
    }
    return active;
  }

  /**
   * Deactivate scenarios. Resolves with the active scenarios' names.
   * @param {...string} names
   * @returns {Promise<string[]>}
   */
  async stopScenario(...names) {
    let active = [];
    for (const name of names) {
      ({ active } = await this.#call("POST", `/__mock/scenarios/${encodeURIComponent(name)}/deactivate`));
    }
    return active;
  }

  /**
   * Add a scenario from data shaped like a scenario file (`{description, steps, ...}`), validated
   * the same way: a bad one throws GhlMockError listing every problem (`error.errors`). The next
   * full reset removes it; the names of scenario files cannot be taken.
   * @param {string} name
   * @param {Record<string, unknown>} scenario
   * @param {{activate?: boolean}} [options]
   * @returns {Promise<import("./index.js").ScenarioInfo>}
   */
  async addScenario(name, scenario, { activate = false } = {}) {
    if (typeof scenario !== "object" || scenario === null || Array.isArray(scenario)) {
      throw new GhlMockError(`addScenario(${show(name)}, scenario) takes the scenario as an object`);
    }
    return this.#call("POST", `/__mock/scenarios?activate=${activate ? "true" : "false"}`, { ...scenario, name });
  }

  /**
   * Remove a scenario addScenario added.
   * @param {string} name
   */
  async removeScenario(name) {
    return this.#call("DELETE", `/__mock/scenarios/${encodeURIComponent(name)}`);
  }

  /**
   * The loaded scenarios, the active ones and their positions.
   * @returns {Promise<import("./index.js").ScenarioListing>}
   */
  async scenarios() {
    return this.#call("GET", "/__mock/scenarios");
  }

  /**
   * Forget everything requests changed, the journal, active and run-time scenarios; with
   * `session`, only that session's scenario positions.
   * @param {{session?: string}} [options]
   */
  async reset(options = {}) {
    const { session } = checkKeys(options, ["session"], "reset");
    return this.#call("POST", `/__mock/reset${queryOf({ session })}`);
  }

  /**
   * Recorded requests, newest first, filtered by the mock (`path` is a substring; `step` a
   * scenario name or exactly `scenario/N`); `limit` defaults to all of them.
   * @param {import("./index.js").JournalFilter & {limit?: number}} [filter]
   * @returns {Promise<import("./index.js").JournalEntry[]>}
   */
  async journal(filter = {}) {
    const { limit = ALL, ...where } = checkKeys(filter, [...JOURNAL_FIELDS, "limit"], "journal");
    const data = await this.#call("GET", `/__mock/journal${queryOf({ ...where, limit })}`);
    return data.entries;
  }

  /**
   * Every recorded request matching the filter, newest first.
   * @param {import("./index.js").JournalFilter} [filter]
   */
  async requests(filter = {}) {
    return this.journal(checkKeys(filter, JOURNAL_FIELDS, "requests"));
  }

  /**
   * Assert requests matching the filter reached the mock (`times`: exactly that many; without it,
   * at least once). Resolves with the matching requests; on failure throws GhlMockError listing
   * them and the near misses (the requests that differ least, each with what differed).
   * @param {import("./index.js").JournalFilter & {times?: number}} [filter]
   * @returns {Promise<import("./index.js").JournalEntry[]>}
   */
  async assertCalled(filter = {}) {
    const { times: expected, ...where } = checkKeys(filter, [...JOURNAL_FIELDS, "times"], "assertCalled");
    if (expected !== undefined && !(Number.isInteger(expected) && Number(expected) >= 0)) {
      throw new GhlMockError(`assertCalled({times}) takes a whole number >= 0, not ${show(expected)}`);
    }
    const entries = await this.journal();
    const matched = entries.filter((entry) => differences(where, entry).length === 0);
    if (expected === undefined ? matched.length > 0 : matched.length === expected) return matched;
    const error = new GhlMockError(failureMessage(where, expected, matched, entries));
    Error.captureStackTrace?.(error, this.assertCalled);
    throw error;
  }

  /**
   * Assert no request matching the filter reached the mock.
   * @param {import("./index.js").JournalFilter} [filter]
   */
  async assertNotCalled(filter = {}) {
    await this.assertCalled({ ...checkKeys(filter, JOURNAL_FIELDS, "assertNotCalled"), times: 0 });
  }

  /**
   * Throw GhlMockError with the tracebacks if the mock raised while serving requests since the
   * last call (each call takes them, so the next starts afresh).
   */
  async serverErrors() {
    const { errors } = await this.#call("POST", "/__mock/errors");
    if (errors.length) {
      throw new GhlMockError(`the ghl-mock server raised while serving requests:\n${errors.join("\n")}`, {
        errors,
        url: this.url,
      });
    }
  }
}

export default GhlMock;

// Type declarations for ghl-mock's JavaScript helper (index.js), written by hand.

/** The `Version` header HighLevel's v1 endpoints document: "2021-07-28". */
export declare const VERSION: string;
/** The demo fixtures' location: "demo-location". */
export declare const DEMO_LOCATION: string;
/** The demo fixtures' user: "demo-user". */
export declare const DEMO_USER: string;
/** "X-Mock-Session": the scenario session a request belongs to. */
export declare const SESSION_HEADER: string;
/** "X-Mock-Scenario": apply only this scenario to the request. */
export declare const SCENARIO_HEADER: string;

export type Platform =
  | "facebook"
  | "google"
  | "instagram"
  | "linkedin"
  | "tiktok"
  | "tiktok-business"
  | "youtube"
  | "pinterest"
  | "threads"
  | "bluesky"
  | "twitter"
  | (string & {});

export interface StartOptions {
  /** The command without `--port`/`--host`; default: GHL_MOCK_COMMAND split on spaces (or a JSON array), else ["ghl-mock", "serve"]. */
  command?: string[];
  /** More options for `ghl-mock serve`, e.g. ["--scenario", "rate-limited"]. `--port 0` and `--host 127.0.0.1` are added unless given. */
  args?: string[];
  /** Added to this process's environment. */
  env?: Record<string, string | undefined>;
  /** How long to wait for the ready line; default 30000. */
  timeoutMs?: number;
  cwd?: string;
  /** Timeout of each control call; default 30000. */
  requestTimeoutMs?: number;
}

export interface TokenOptions {
  /** Default (with no companyId): demo-location. */
  locationId?: string;
  /** An Agency (Company) token for this company. */
  companyId?: string;
  /** Default: every Social Planner scope. */
  scopes?: string[];
  /** Seconds; negative: already expired. Default 86399. */
  expiresIn?: number;
}

export interface TokenInfo {
  token: string;
  authClass: "Location" | "Company";
  authClassId: string;
  scopes: string[];
  expiresIn: number;
}

export interface HeadersOptions {
  /** Default: a new demo-location token. */
  token?: string;
  /** Default: "2021-07-28". */
  version?: string;
  /** Sent as X-Mock-Session. */
  session?: string;
  /** Sent as X-Mock-Scenario. */
  scenario?: string;
}

export interface ConnectOptions {
  /** Default: "tiktok-business". */
  platform?: Platform;
  /** Default: "demo-location". */
  locationId?: string;
  /** Default: "demo-user". */
  userId?: string;
  /** Default: "approve". */
  decision?: "approve" | "cancel";
  reconnect?: boolean;
  /** The start's `page` query parameter. */
  page?: string;
  /** Default: "2021-07-28", or "v3" for a platform only v3 has (youtube, ...). */
  version?: string;
  /** Default: a new token for locationId. */
  token?: string;
  /** Sent as X-Mock-Session. */
  session?: string;
  /** Sent as X-Mock-Scenario. */
  scenario?: string;
}

/** What the finish page posts to window.opener (HighLevel's own fields, as strings). */
export interface ConsentPayload {
  actionType: string;
  page: string;
  platform: string;
  placement: string;
  /** Only when the user approved. */
  accountId?: string;
  refresh: string;
  source: string;
  [field: string]: unknown;
}

export interface ConsentMessage {
  payload: ConsentPayload;
  targetOrigin: string;
  /** False when a scenario makes the page not post (consent-never-post). */
  post: boolean;
}

export interface Grant {
  accountId: string;
  platform: string;
  locationId: string;
  userId: string;
  items: number;
  /** Epoch seconds. */
  createdAt: number;
}

export interface ConnectedAccount {
  id: string;
  recordId: string;
  oauthId: string;
  platform: string;
  locationId: string;
  originId: string;
  name: string;
  type: string;
  createdAt: number;
  updatedAt: number;
  expire: number;
  [field: string]: unknown;
}

export interface AccountsListing {
  grants: Grant[];
  accounts: ConnectedAccount[];
}

export interface JournalFilter {
  /** A substring of the request's path. */
  path?: string;
  method?: string;
  status?: number;
  session?: string;
  /** A scenario's name (any of its steps), or exactly "scenario/N". */
  step?: string;
}

export interface JournalEntry {
  id: number;
  /** ISO 8601, UTC. */
  at: string;
  method: string;
  path: string;
  query: string;
  /** null: the connection was dropped or the client went away. */
  status: number | null;
  durationMs: number;
  session: string;
  client: string | null;
  /** Masked. */
  authorization: string | null;
  version: string | null;
  rule: string | null;
  reason: string | null;
  /** "scenario/N" when a scenario step answered. */
  step: string | null;
}

/** A scenario as data: the fields of a scenario file (see scenarios/scenario.schema.json). */
export interface ScenarioDefinition {
  description: string;
  steps: Array<Record<string, unknown>>;
  [field: string]: unknown;
}

export interface ScenarioInfo {
  name: string;
  description: string;
  /** The file it was read from, or "(added at run time)". */
  file: string;
  runtime: boolean;
  steps: number;
  whenExhausted: string;
  active: boolean;
}

export interface ScenarioListing {
  scenarios: ScenarioInfo[];
  active: string[];
  positions: Array<Record<string, unknown>>;
  errors: Array<{ file: string; field: string; reason: string }>;
}

/**
 * What went wrong with the mock: a control call answered an error (method, path, status, body),
 * the mock is not reachable, it did not start, or an assertion about its requests failed.
 */
export declare class GhlMockError extends Error {
  constructor(
    message: string,
    details?: {
      method?: string;
      path?: string;
      status?: number;
      body?: unknown;
      url?: string;
      errors?: unknown[];
      cause?: unknown;
    },
  );
  name: "GhlMockError";
  method?: string;
  path?: string;
  status?: number;
  body?: unknown;
  url?: string;
  /** `[{field, reason}]` for a bad body; the tracebacks for serverErrors(). */
  errors?: unknown[];
}

/** Why `entry` does not match `filter`, one phrase per differing field (empty: it matches). */
export declare function differences(filter: JournalFilter, entry: JournalEntry): string[];

export declare class GhlMock {
  /** A mock that is already running. */
  constructor(options: { url: string; requestTimeoutMs?: number });
  /** Spawn `ghl-mock serve` on a free port and wait for its ready line. */
  static start(options?: StartOptions): Promise<GhlMock>;
  /** GHL_MOCK_URL when set (checked with a health call), else start(options). */
  static fromEnv(options?: StartOptions): Promise<GhlMock>;

  /** The base URL, without a trailing slash. */
  readonly url: string;
  /** True when this object started the server. */
  readonly owned: boolean;
  /** The server's process id, when this object started it. */
  readonly pid: number | undefined;
  /** The recent stdout and stderr lines of a server this object started. */
  output(): string;
  /** SIGTERM (SIGKILL after timeoutMs, default 5000) and wait; resolves with the exit code. No-op for a mock given by URL. */
  stop(options?: { timeoutMs?: number }): Promise<number | null | undefined>;

  health(): Promise<{ status: "ok" }>;
  token(options?: TokenOptions): Promise<string>;
  tokenInfo(options?: TokenOptions): Promise<TokenInfo>;
  headers(options?: HeadersOptions): Promise<Record<string, string>>;
  /** start → consent → finish, run by the mock; the message the popup posts. */
  connect(options?: ConnectOptions): Promise<ConsentMessage>;
  /** Finish a consent your own client started (consentUrl: the start's Location). */
  finish(consentUrl: string | URL, options?: { decision?: "approve" | "cancel" }): Promise<ConsentMessage>;
  accounts(filter?: { locationId?: string; platform?: Platform }): Promise<AccountsListing>;

  /** Resolves with the active scenarios. */
  useScenario(...names: string[]): Promise<string[]>;
  stopScenario(...names: string[]): Promise<string[]>;
  addScenario(name: string, scenario: ScenarioDefinition, options?: { activate?: boolean }): Promise<ScenarioInfo>;
  removeScenario(name: string): Promise<{ removed: string; active: string[] }>;
  scenarios(): Promise<ScenarioListing>;
  reset(options?: { session?: string }): Promise<{ reset: "everything" | "session"; session: string | null }>;

  /** Newest first; limit: default all. */
  journal(filter?: JournalFilter & { limit?: number }): Promise<JournalEntry[]>;
  requests(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** times: exactly that many; default at least once. Resolves with the matching requests. */
  assertCalled(filter?: JournalFilter & { times?: number }): Promise<JournalEntry[]>;
  assertNotCalled(filter?: JournalFilter): Promise<void>;
  /** Throws GhlMockError with the tracebacks if the mock raised since the last call. */
  serverErrors(): Promise<void>;
}

export default GhlMock;

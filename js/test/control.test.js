// The control API through the helper, against one real `ghl-mock serve` for this file.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { DEMO_LOCATION, DEMO_USER, GhlMock, GhlMockError, VERSION, differences } from "../index.js";

/** @type {GhlMock} */
let mock;
before(async () => {
  mock = await GhlMock.start();
});
after(async () => {
  await mock?.stop();
});
beforeEach(async () => {
  await mock.reset();
});

const START = "/social-media-posting/oauth/tiktok-business/start";

/** GET the TikTok Business start as a client would (no redirects followed). */
async function start({ headers, query = { locationId: DEMO_LOCATION, userId: DEMO_USER } } = {}) {
  return fetch(`${mock.url}${START}?${new URLSearchParams(query)}`, {
    headers: headers ?? (await mock.headers()),
    redirect: "manual",
  });
}

/** A port of 127.0.0.1 nothing listens on (fetch refuses some well-known ones, such as 9). */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The GhlMockError a promise rejects with. */
async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GhlMockError, `not a GhlMockError: ${error?.stack ?? error}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "GhlMockError");
    return error;
  }
  assert.fail("it did not throw");
}

test("token() is accepted by the real start endpoint: 302 to the consent page", async () => {
  const token = await mock.token();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  const headers = await mock.headers({ token });
  assert.deepEqual(headers, { Authorization: `Bearer ${token}`, Version: VERSION });
  const response = await start({ headers });
  assert.equal(response.status, 302);
  assert.match(response.headers.get("location"), /\/__mock\/oauth\/tiktok-business\/consent\?state=/);
});

test("an expired token() is refused (401); a companyId token is an Agency token", async () => {
  const expired = await mock.token({ expiresIn: -60 });
  const response = await start({ headers: await mock.headers({ token: expired }) });
  assert.equal(response.status, 401);

  const agency = await mock.tokenInfo({ companyId: "demo-company", scopes: ["socialplanner/oauth.readonly"] });
  assert.equal(agency.authClass, "Company");
  assert.equal(agency.authClassId, "demo-company");
  assert.deepEqual(agency.scopes, ["socialplanner/oauth.readonly"]);
});

test("headers() adds the session and scenario headers when asked", async () => {
  const headers = await mock.headers({ token: "t", version: "v3", session: "s1", scenario: "missing-scope" });
  assert.deepEqual(headers, {
    Authorization: "Bearer t",
    Version: "v3",
    "X-Mock-Session": "s1",
    "X-Mock-Scenario": "missing-scope",
  });
  const response = await start({ headers: await mock.headers({ session: "s1", scenario: "missing-scope" }) });
  assert.equal(response.status, 401);
  await mock.assertCalled({ path: START, session: "s1", step: "missing-scope", times: 1 });
});

test("connect() approve: the message the popup posts, and the grant it made", async () => {
  const message = await mock.connect();
  assert.equal(message.post, true);
  assert.equal(message.targetOrigin, "*");
  assert.equal(message.payload.page, "social_media_posting");
  assert.equal(message.payload.platform, "tiktok-business");
  assert.match(message.payload.accountId, /^[0-9a-f]{24}$/);
  const { grants, accounts } = await mock.accounts({ locationId: DEMO_LOCATION, platform: "tiktok-business" });
  assert.deepEqual(
    grants.map((g) => [g.accountId, g.userId]),
    [[message.payload.accountId, DEMO_USER]],
  );
  assert.ok(accounts.length > 0 && accounts.every((a) => a.oauthId === message.payload.accountId));
  assert.deepEqual((await mock.accounts({ platform: "facebook" })).grants, []);
});

test("connect() cancel: no accountId, no grant", async () => {
  const message = await mock.connect({ platform: "facebook", decision: "cancel" });
  assert.equal(message.payload.platform, "facebook");
  assert.equal("accountId" in message.payload, false);
  assert.deepEqual((await mock.accounts()).grants, []);
});

test("connect() a v3-only platform (youtube): the start goes out with Version v3", async () => {
  const message = await mock.connect({ platform: "youtube" });
  assert.equal(message.payload.platform, "youtube");
  assert.match(message.payload.accountId, /^[0-9a-f]{24}$/);
  const [started] = await mock.assertCalled({ path: "/oauth/youtube/start", status: 302, times: 1 });
  assert.equal(started.version, "v3");
});

test("connect() whose flow does not complete throws the server's message and the failed step", async () => {
  const error = await failure(mock.connect({ scenario: "gateway-503" }));
  assert.equal(error.method, "POST");
  assert.equal(error.path, "/__mock/connect");
  assert.equal(error.status, 400);
  assert.match(
    error.message,
    /^ghl-mock POST \/__mock\/connect answered 400: the consent flow did not complete: the start answered 503/,
  );
  assert.equal(error.body.failedStep, "start");
  assert.equal(error.body.status, 503);
});

test("connect() with an unknown platform: the 422's field and reason", async () => {
  const error = await failure(mock.connect({ platform: "myspace" }));
  assert.equal(error.status, 422);
  assert.match(error.message, /invalid request body: platform: unknown platform 'myspace'/);
  assert.equal(error.errors[0].field, "platform");
  await assert.rejects(mock.connect({ platfrom: "facebook" }), /connect\(\) does not know platfrom/);
});

test("finish(consentUrl) completes a flow your own client started", async () => {
  const consent = (await start()).headers.get("location");
  const message = await mock.finish(consent);
  assert.equal(message.payload.platform, "tiktok-business");
  assert.match(message.payload.accountId, /^[0-9a-f]{24}$/);
  const error = await failure(mock.finish(consent)); // a state completes once
  assert.equal(error.status, 400);
  assert.match(error.message, /this authorization was already completed/);

  const cancelled = await mock.finish((await start()).headers.get("location"), { decision: "cancel" });
  assert.equal(cancelled.payload.accountId, undefined);
  assert.equal((await mock.accounts()).grants.length, 1);
  await assert.rejects(mock.finish(`${mock.url}${START}`), /takes the consent page's URL/);
});

test('useScenario("rate-limited") makes the next call 429; stopScenario() ends it', async () => {
  assert.deepEqual(await mock.useScenario("rate-limited"), ["rate-limited"]);
  const limited = await start();
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "2");
  await mock.assertCalled({ step: "rate-limited", status: 429, times: 1 });

  assert.deepEqual(await mock.stopScenario("rate-limited"), []);
  assert.equal((await start()).status, 302);
});

test("useScenario() with an unknown name: 404 with the closest and the loaded names", async () => {
  const error = await failure(mock.useScenario("rate-limitd"));
  assert.equal(error.status, 404);
  assert.equal(error.path, "/__mock/scenarios/rate-limitd/activate");
  assert.match(
    error.message,
    /answered 404: no scenario named 'rate-limitd' \(did you mean 'rate-limited'\?\); loaded: account-not-found, .* more/,
  );
});

test("addScenario() a run-time scenario, then removeScenario()", async () => {
  const added = await mock.addScenario(
    "js-start-502",
    { description: "The start answers 502 once.", steps: [{ match: { endpoint: "start" }, gateway: 502 }] },
    { activate: true },
  );
  assert.equal(added.name, "js-start-502");
  assert.equal(added.runtime, true);
  assert.equal(added.active, true);
  assert.equal((await start()).status, 502);
  await mock.assertCalled({ step: "js-start-502/1", times: 1 });
  assert.equal((await start()).status, 302, "one step, then normal answers");

  await mock.removeScenario("js-start-502");
  assert.ok(!(await mock.scenarios()).scenarios.some((s) => s.name === "js-start-502"));
  const error = await failure(mock.removeScenario("js-start-502"));
  assert.equal(error.status, 404);
});

test("addScenario() not activated until useScenario(); a full reset removes it", async () => {
  const scenario = {
    description: "Every call 503.",
    steps: [{ match: { endpoint: "any" }, gateway: 503, repeat: "forever" }],
  };
  assert.equal((await mock.addScenario("js-503", scenario)).active, false);
  assert.equal((await start()).status, 302);
  await mock.useScenario("js-503");
  assert.equal((await start()).status, 503);
  await mock.reset();
  assert.equal((await start()).status, 302);
  assert.ok(!(await mock.scenarios()).scenarios.some((s) => s.name === "js-503"));
});

test("addScenario() with a bad body throws every field that is wrong", async () => {
  const error = await failure(
    mock.addScenario("js-bad", { description: "x", steps: [{ match: { endpoint: "nowhere" }, gateway: 999 }] }),
  );
  assert.equal(error.status, 422);
  assert.equal(error.method, "POST");
  assert.deepEqual(
    error.errors.map((e) => e.field),
    ["steps[0].match.endpoint", "steps[0].gateway"],
  );
  assert.match(
    error.message,
    /answered 422: invalid request body: steps\[0\]\.match\.endpoint: .*steps\[0\]\.gateway: expected one of 500, 502, 503 or 504, got 999/,
  );

  const taken = await failure(mock.addScenario("rate-limited", { description: "x", steps: [{ gateway: 503 }] }));
  assert.equal(taken.status, 409);
  assert.match(taken.message, /cannot replace a scenario file/);
});

test("reset() clears the journal and the grants; reset({session}) answers for that session", async () => {
  await mock.connect();
  assert.ok((await mock.journal()).length >= 3);
  assert.equal((await mock.accounts()).grants.length, 1);
  assert.deepEqual(await mock.reset(), { reset: "everything", session: null });
  assert.deepEqual(await mock.journal(), []);
  assert.deepEqual((await mock.accounts()).grants, []);
  assert.deepEqual(await mock.reset({ session: "s1" }), { reset: "session", session: "s1" });
});

test("journal() and requests(): newest first, filtered by the mock", async () => {
  await start();
  await mock.connect({ platform: "facebook", session: "fb" });
  const all = await mock.journal();
  assert.deepEqual(
    all.map((e) => e.id),
    [...all.map((e) => e.id)].sort((a, b) => b - a),
  );
  assert.equal((await mock.journal({ limit: 1 }))[0].id, all[0].id);
  const fb = await mock.requests({ session: "fb" });
  assert.equal(fb.length, 3);
  assert.ok(fb.every((e) => e.path.includes("facebook")));
  assert.deepEqual(
    (await mock.requests({ path: START, method: "get", status: 302 })).map((e) => e.session),
    ["default"],
  );
  await assert.rejects(
    mock.requests({ paht: START }),
    /requests\(\) does not know paht; it takes path, method, status, session, step/,
  );
  // The helper's own matching (assertCalled) agrees with the mock's (requests).
  for (const where of [{ path: "/start" }, { method: "GET", status: 303 }, { session: "fb", path: "finish" }]) {
    const local = all.filter((e) => differences(where, e).length === 0).map((e) => e.id);
    assert.deepEqual(
      local,
      (await mock.requests(where)).map((e) => e.id),
      JSON.stringify(where),
    );
  }
});

test("assertCalled() passes with the matching requests; times is exact", async () => {
  await start();
  await start({ headers: { Version: VERSION } }); // no Authorization: 401
  const matched = await mock.assertCalled({ path: START });
  assert.equal(matched.length, 2);
  assert.deepEqual(
    (await mock.assertCalled({ path: START, status: 401, times: 1 })).map((e) => e.status),
    [401],
  );
  await mock.assertNotCalled({ path: "/oauth/facebook/" });
});

test("assertCalled() fails with the matching requests and the near misses", async () => {
  await start();
  await start({ headers: { Version: VERSION } }); // 401
  const error = await failure(mock.assertCalled({ path: START, method: "GET", status: 401, times: 2 }));
  const lines = error.message.split("\n");
  assert.equal(
    lines[0],
    `ghl-mock: expected a request matching path="${START}", method="GET", status=401 exactly 2 times; it was made 1 time.`,
  );
  assert.equal(lines[1], "Matching requests:");
  assert.match(
    lines[2],
    new RegExp(`^  #2 GET ${START}\\?locationId=demo-location&userId=demo-user -> 401 \\(\\w+\\)$`),
  );
  assert.equal(lines[3], "Near misses (closest first):");
  assert.equal(lines[4], `  #1 GET ${START}?locationId=demo-location&userId=demo-user -> 302: status 302 is not 401`);
  assert.equal(lines.length, 5);
  assert.match(error.stack, /control\.test\.js/);
});

test("assertCalled() lists every difference, closest first; an empty journal says so", async () => {
  const empty = await failure(mock.assertCalled({ path: START }));
  assert.equal(
    empty.message,
    `ghl-mock: expected a request matching path="${START}" at least once; it was made 0 times.\n` +
      "The mock recorded no requests at all: is the client pointed at it?",
  );

  await mock.connect({ platform: "google", session: "g" });
  const error = await failure(mock.assertCalled({ path: "/oauth/google/finish", method: "POST", session: "other" }));
  const near = error.message.split("\n").slice(2);
  assert.equal(error.message.split("\n")[1], "Near misses (closest first):");
  assert.equal(near.length, 3);
  assert.match(
    near[0],
    /^  #3 GET \/__mock\/oauth\/google\/finish\?state=.*&decision=approve -> 200: method GET is not POST; session "g" is not "other"$/,
  );
  assert.match(
    near[1],
    /path "\/__mock\/oauth\/google\/consent" does not contain "\/oauth\/google\/finish"; method GET is not POST; session "g" is not "other"$/,
  );
});

test("assertNotCalled() fails when a request matched", async () => {
  await start();
  const error = await failure(mock.assertNotCalled({ path: START }));
  assert.match(
    error.message,
    /^ghl-mock: expected a request matching path=".*" never; it was made 1 time\.\nMatching requests:\n  #1 GET /,
  );
  await assert.rejects(mock.assertCalled({ times: -1 }), /takes a whole number >= 0/);
});

test("serverErrors() resolves when the mock raised nothing", async () => {
  await mock.connect();
  assert.equal(await mock.serverErrors(), undefined);
});

test("a mock that is not there: GhlMockError naming the URL", async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const error = await failure(new GhlMock({ url }).token());
  assert.equal(
    error.message,
    `ghl-mock is not reachable at ${url} (POST /__mock/tokens: ECONNREFUSED); is \`ghl-mock serve\` running?`,
  );
  assert.equal(error.url, url);
});

// Shared by the *.test.mjs files: the file's mock, the SDK client, the SDK's start with redirects off.
//
// Each test file (node --test runs each in its own process, several at once) starts its own
// mock in `before` and stops it in `after`; every test starts from a reset. With GHL_MOCK_URL set
// the files share that server instead: run them one at a time (npm run test:shared).
import { after, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { HighLevel } from "@gohighlevel/api-client";
import { DEMO_LOCATION, DEMO_USER, GhlMock } from "ghl-mock";

export const LOCATION = DEMO_LOCATION;
export const USER = DEMO_USER;

/** This file's mock (set in `before`). @type {GhlMock} */
export let mock;
let token;

before(async () => {
  mock = await GhlMock.fromEnv();
  // The SDK reads its base URL from this static field when a client is created.
  HighLevel.BASE_URL = mock.url;
  token = await mock.token(); // a Location token for demo-location, every Social Planner scope
});

after(async () => {
  await mock?.stop(); // a no-op for GHL_MOCK_URL's server
});

beforeEach(async () => {
  await mock.reset();
});

export function client(options = {}) {
  // The SDK sends Version: 2023-02-21 by default; ghl-mock accepts it, as the live API does.
  return new HighLevel({ privateIntegrationToken: token, logLevel: "none", ...options });
}

// The start methods (startFacebookOauth, startGoogleOauth, ...) return only the body: with
// redirects off, that is Express's "Found. Redirecting to <consent URL>", which carries the Location.
export async function startOauth(ghl, method, extra = {}) {
  const body = await ghl.socialMediaPosting[method](
    { locationId: LOCATION, userId: USER, ...extra },
    { maxRedirects: 0, validateStatus: (status) => status === 302 },
  );
  const match = /^Found\. Redirecting to (\S+)$/.exec(body);
  assert.ok(match, `unexpected start body: ${body}`);
  return match[1];
}

// HighLevel's official Node SDK (@gohighlevel/api-client) against ghl-mock.
// Run:  GHL_MOCK_URL=http://127.0.0.1:8080 npm test   (with `ghl-mock serve` running)
import { test } from "node:test";
import assert from "node:assert/strict";
import { GHLAuthenticationError, HighLevel } from "@gohighlevel/api-client";

const MOCK = process.env.GHL_MOCK_URL ?? "http://127.0.0.1:8080";
const PIT = "pit-00000000-0000-4000-8000-000000000001"; // demo PIT for demo-location (fixtures/demo)
const LOCATION = "demo-location";

// The SDK reads its base URL from this static field when a client is created.
HighLevel.BASE_URL = MOCK;

function client(options = {}) {
  // The SDK sends Version: 2023-02-21 by default; ghl-mock accepts it, as the live API does.
  return new HighLevel({ privateIntegrationToken: PIT, logLevel: "none", ...options });
}

async function reset() {
  const response = await fetch(`${MOCK}/__mock/reset`, { method: "POST" });
  assert.equal(response.status, 200);
}

// startTiktokBusinessOauth returns only the body: with redirects off, that is Express's
// "Found. Redirecting to <consent URL>", which carries the Location.
async function startOauth(ghl, extra = {}) {
  const body = await ghl.socialMediaPosting.startTiktokBusinessOauth(
    { locationId: LOCATION, userId: "demo-user", ...extra },
    { maxRedirects: 0, validateStatus: (status) => status === 302 },
  );
  const match = /^Found\. Redirecting to (\S+)$/.exec(body);
  assert.ok(match, `unexpected start body: ${body}`);
  return match[1];
}

// What the popup would do: approve on the consent page, read the message the finish page posts.
async function approve(consentUrl) {
  const consent = await fetch(`${consentUrl}&outcome=approve`, { redirect: "manual" });
  assert.equal(consent.status, 303);
  const finish = await fetch(new URL(consent.headers.get("location"), consentUrl));
  const html = await finish.text();
  const data = /<script type="application\/json" id="ghl-mock-message">(.*?)<\/script>/s.exec(html);
  return JSON.parse(data[1]).payload;
}

test("start, consent, then getTiktokBusinessProfile", async () => {
  await reset();
  const ghl = client();
  const consentUrl = await startOauth(ghl);
  assert.match(consentUrl, /\/__mock\/oauth\/tiktok-business\/consent\?state=/);
  const payload = await approve(consentUrl);
  assert.equal(payload.page, "social_media_posting");
  assert.equal(payload.platform, "tiktok-business");
  const profile = await ghl.socialMediaPosting.getTiktokBusinessProfile({
    locationId: LOCATION,
    accountId: payload.accountId,
  });
  assert.equal(profile.success, true);
  assert.deepEqual(
    profile.results.profile.map((p) => p.username),
    ["demo_bakery", "demo_bakery_cakes"],
  );
});

test("a documented 401 reaches the SDK as GHLAuthenticationError with HighLevel's message", async () => {
  await reset();
  const ghl = client();
  await assert.rejects(
    () =>
      ghl.socialMediaPosting.getTiktokBusinessProfile(
        { locationId: LOCATION, accountId: "658a9b6833b91e0ecb8f3958" },
        { headers: { "X-Mock-Scenario": "missing-scope" } },
      ),
    (error) => {
      assert.ok(error instanceof GHLAuthenticationError, `got ${error.constructor.name}`);
      assert.equal(error.statusCode, 401);
      assert.equal(error.message, "The token is not authorized for this scope.");
      return true;
    },
  );
});

test("the SDK's rate-limit retry gets through three burst 429s", async () => {
  await reset();
  const ghl = client({ rateLimitRetry: { maxRetries: 3, maxDelayMs: 20 } });
  const consentUrl = await startOauth(ghl, {});
  const payload = await approve(consentUrl);
  const profile = await ghl.socialMediaPosting.getTiktokBusinessProfile(
    { locationId: LOCATION, accountId: payload.accountId },
    { headers: { "X-Mock-Scenario": "rate-limited" } },
  );
  assert.equal(profile.success, true);
  const journal = await (await fetch(`${MOCK}/__mock/verify?step=rate-limited`)).json();
  assert.equal(journal.count, 3);
});

test("an unknown accountId is the documented 400", async () => {
  await reset();
  await assert.rejects(
    () => client().socialMediaPosting.getTiktokBusinessProfile({ locationId: LOCATION, accountId: "nope" }),
    (error) => error.statusCode === 400 && error.message === "OAuth account not found",
  );
});

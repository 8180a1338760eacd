// HighLevel's official Node SDK (@gohighlevel/api-client) against ghl-mock.
// Run:  GHL_MOCK_URL=http://127.0.0.1:8080 npm test   (with `ghl-mock serve` running)
import { test } from "node:test";
import assert from "node:assert/strict";
import { GHLAuthenticationError } from "@gohighlevel/api-client";
import { LOCATION, MOCK, approve, client, reset, startOauth } from "./helpers.mjs";

test("start, consent, then getTiktokBusinessProfile", async () => {
  await reset();
  const ghl = client();
  const consentUrl = await startOauth(ghl, "startTiktokBusinessOauth");
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
  const consentUrl = await startOauth(ghl, "startTiktokBusinessOauth");
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

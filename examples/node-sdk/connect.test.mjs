// HighLevel's official Node SDK (@gohighlevel/api-client) against ghl-mock, through ghl-mock's helper.
// Run:  npm test   (each file starts its own mock; see README.md)
import { test } from "node:test";
import assert from "node:assert/strict";
import { GHLAuthenticationError } from "@gohighlevel/api-client";
import { LOCATION, client, mock, startOauth } from "./helpers.mjs";

test("start, consent, then getTiktokBusinessProfile", async () => {
  const ghl = client();
  const consentUrl = await startOauth(ghl, "startTiktokBusinessOauth");
  assert.match(consentUrl, /\/__mock\/oauth\/tiktok-business\/consent\?state=/);
  // What the popup does: the consent page, Authorize, the message the finish page posts.
  const { payload } = await mock.finish(consentUrl);
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
  await mock.assertCalled({ path: "/oauth/tiktok-business/start", status: 302, times: 1 });
});

test("a documented 401 reaches the SDK as GHLAuthenticationError with HighLevel's message", async () => {
  const ghl = client();
  await assert.rejects(
    () =>
      ghl.socialMediaPosting.getTiktokBusinessProfile(
        { locationId: LOCATION, accountId: "658a9b6833b91e0ecb8f3958" },
        // The scenario for this one request only (X-Mock-Scenario); HighLevel ignores the header.
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
  const { payload } = await mock.connect(); // a TikTok Business grant, no browser
  await mock.useScenario("rate-limited");
  const ghl = client({ rateLimitRetry: { maxRetries: 3, maxDelayMs: 20 } });
  const profile = await ghl.socialMediaPosting.getTiktokBusinessProfile({
    locationId: LOCATION,
    accountId: payload.accountId,
  });
  assert.equal(profile.success, true);
  const path = `/oauth/${LOCATION}/tiktok-business/accounts/${payload.accountId}`;
  await mock.assertCalled({ path, step: "rate-limited", status: 429, times: 3 });
  await mock.assertCalled({ path, status: 200, times: 1 });
});

test("an unknown accountId is the documented 400", async () => {
  await assert.rejects(
    () => client().socialMediaPosting.getTiktokBusinessProfile({ locationId: LOCATION, accountId: "nope" }),
    (error) => error.statusCode === 400 && error.message === "OAuth account not found",
  );
});

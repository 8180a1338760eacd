// Every Social Planner OAuth platform through the SDK's own per-platform methods, unchanged:
// start (redirects off), the consent page, get, attach, then getAccount and deleteAccount.
// Run:  npm test   (each file starts its own mock; see README.md)
import { test } from "node:test";
import assert from "node:assert/strict";
import { GHLValidationError } from "@gohighlevel/api-client";
import { LOCATION, client, mock, startOauth } from "./helpers.mjs";

function assertTypes(item, types) {
  for (const [key, type] of Object.entries(types)) {
    assert.equal(typeof item[key], type, `${key} in ${JSON.stringify(item)}`);
  }
}

function assertList(list, types) {
  assert.ok(Array.isArray(list) && list.length > 0, `not a non-empty array: ${JSON.stringify(list)}`);
  for (const item of list) assertTypes(item, types);
}

// Per platform: the SDK's three methods, the DTO the get method answers (choose() checks it and
// returns the page or profile to attach), the attach body for it, and the originId it becomes.
const PLATFORMS = {
  facebook: {
    start: "startFacebookOauth",
    get: "getFacebookPageGroup",
    attach: "attachFacebookPageGroup",
    choose(results) {
      assertList(results.pages, {
        id: "string", name: "string", avatar: "string", isOwned: "boolean", isConnected: "boolean",
      });
      return results.pages[0];
    },
    body: (page) => ({ type: "page", originId: page.id, name: page.name, avatar: page.avatar }),
    originId: (page) => page.id,
    connected: (page) => page.isConnected,
  },
  google: {
    start: "startGoogleOauth",
    get: "getGoogleLocations",
    attach: "setGoogleLocations",
    // results.locations is one {location, account} object, not an array.
    choose(results) {
      const { locations } = results;
      assert.ok(locations && typeof locations === "object" && !Array.isArray(locations),
        JSON.stringify(results));
      assertTypes(locations.location, {
        name: "string", title: "string", isVerified: "boolean", isConnected: "boolean",
      });
      assertTypes(locations.account, { name: "string", accountName: "string", type: "string" });
      assert.match(locations.location.name, /^locations\/\d+$/);
      assert.match(locations.account.name, /^accounts\/\d+$/);
      return locations;
    },
    body: ({ location, account }) => ({ location, account }),
    originId: ({ location }) => location.name.slice("locations/".length),
    connected: ({ location }) => location.isConnected,
  },
  instagram: {
    start: "startInstagramOauth",
    get: "getInstagramPageGroup",
    attach: "attachInstagramPageGroup",
    choose(results) {
      assertList(results.accounts, {
        id: "string", name: "string", avatar: "string", pageId: "string", isConnected: "boolean",
      });
      return results.accounts[0];
    },
    body: (ig) => ({ originId: ig.id, name: ig.name, avatar: ig.avatar, pageId: ig.pageId }),
    originId: (ig) => ig.id,
    connected: (ig) => ig.isConnected,
  },
  linkedin: {
    start: "startLinkedinOauth",
    get: "getLinkedinPageProfile",
    attach: "attachLinkedinPageProfile",
    choose(results) {
      const types = { id: "string", name: "string", avatar: "string", urn: "string", isConnected: "boolean" };
      assertList(results.pages, types);
      assertList(results.profile, types);
      return results.pages[0];
    },
    body: (page) => ({
      type: "page", originId: page.id, name: page.name, avatar: page.avatar, urn: page.urn,
    }),
    originId: (page) => page.id,
    connected: (page) => page.isConnected,
  },
  tiktok: {
    start: "startTiktokOauth",
    get: "getTiktokProfile",
    attach: "attachTiktokProfile",
    choose(results) {
      assertList(results.profile, {
        id: "string", name: "string", username: "string", avatar: "string",
        verified: "boolean", isConnected: "boolean", type: "string",
      });
      return results.profile[0];
    },
    // The profile lists its type in capitals ("PROFILE", as HighLevel's own example does), but the
    // attach DTO only takes page, group, profile, location or business.
    body: (profile) => ({
      type: profile.type.toLowerCase(), originId: profile.id, name: profile.name,
      avatar: profile.avatar, verified: profile.verified, username: profile.username,
    }),
    originId: (profile) => profile.id,
    connected: (profile) => profile.isConnected,
  },
};

for (const [platform, p] of Object.entries(PLATFORMS)) {
  test(`${platform}: ${p.start}, consent, ${p.get}, ${p.attach}, getAccount, deleteAccount`, async () => {
    const ghl = client();
    const smp = ghl.socialMediaPosting;
    const consentUrl = await startOauth(ghl, p.start);
    assert.match(consentUrl, new RegExp(`/__mock/oauth/${platform}/consent\\?state=`));
    const { payload } = await mock.finish(consentUrl);
    assert.equal(payload.platform, platform);
    const ids = { locationId: LOCATION, accountId: payload.accountId };

    const fetched = await smp[p.get](ids);
    assert.equal(fetched.success, true);
    const item = p.choose(fetched.results);
    assert.equal(p.connected(item), false);

    const attached = await smp[p.attach](ids, p.body(item));
    assert.equal(attached.success, true);
    assert.equal(attached.statusCode, 201);
    assert.equal(typeof attached.results._id, "string");
    assert.equal(attached.results.originId, p.originId(item));
    assert.equal(attached.results.platform, platform);
    assert.equal(attached.results.oAuthId, payload.accountId);
    assert.equal(p.connected(p.choose((await smp[p.get](ids)).results)), true);

    const listed = await smp.getAccount({ locationId: LOCATION });
    assert.equal(listed.success, true);
    const account = listed.results.accounts.find((a) => a.oauthId === payload.accountId);
    assert.ok(account, `no oauthId ${payload.accountId} in ${JSON.stringify(listed.results.accounts)}`);
    assert.equal(account.platform, platform);
    assert.equal(account.profileId, attached.results.originId);
    // The mock's own view agrees: one account connected from this grant.
    const seen = (await mock.accounts({ locationId: LOCATION, platform })).accounts;
    assert.deepEqual(seen.map((a) => [a.oauthId, a.originId]), [[payload.accountId, attached.results.originId]]);

    const deleted = await smp.deleteAccount({ locationId: LOCATION, id: account.id });
    assert.equal(deleted.success, true);
    const left = (await smp.getAccount({ locationId: LOCATION })).results.accounts;
    assert.ok(!left.some((a) => a.id === account.id), `${account.id} is still listed`);
    assert.equal(p.connected(p.choose((await smp[p.get](ids)).results)), false);
  });
}

// A Facebook grant without the SDK's start: the mock runs start, consent and finish itself.
async function facebookGrant() {
  const { payload } = await mock.connect({ platform: "facebook" });
  return { locationId: LOCATION, accountId: payload.accountId };
}

test("attachFacebookPageGroup without originId: GHLValidationError 422, messages joined", async () => {
  const ghl = client();
  const ids = await facebookGrant();
  await assert.rejects(
    () => ghl.socialMediaPosting.attachFacebookPageGroup(ids, { type: "page", name: "Demo Bakery" }),
    (error) => {
      assert.ok(error instanceof GHLValidationError, `got ${error.constructor.name}`);
      assert.equal(error.statusCode, 422);
      assert.equal(error.message, "originId should not be empty, originId must be a string");
      assert.deepEqual(error.response, {
        statusCode: 422,
        message: ["originId should not be empty", "originId must be a string"],
        error: "Unprocessable Entity",
      });
      return true;
    },
  );
});

test("a malformed JSON body (sent raw through the axios options) is a GHLValidationError: 400", async () => {
  const ghl = client();
  const ids = await facebookGrant();
  // The SDK passes its options argument to axios; an identity transformRequest sends the string as is.
  const raw = { headers: { "Content-Type": "application/json" }, transformRequest: [(data) => data] };
  await assert.rejects(
    () => ghl.socialMediaPosting.attachFacebookPageGroup(ids, '{"originId": ', raw),
    (error) => {
      assert.ok(error instanceof GHLValidationError, `got ${error.constructor.name}`);
      assert.equal(error.statusCode, 400);
      assert.equal(error.message, "Unexpected end of JSON input");
      assert.equal(error.response.error, "Bad Request");
      return true;
    },
  );
});

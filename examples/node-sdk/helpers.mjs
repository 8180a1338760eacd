// Shared by the *.test.mjs files: the SDK client, reset, and the headless OAuth popup.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HighLevel } from "@gohighlevel/api-client";

export const MOCK = process.env.GHL_MOCK_URL ?? "http://127.0.0.1:8080";
export const PIT = "pit-00000000-0000-4000-8000-000000000001"; // demo PIT for demo-location (fixtures/demo)
export const LOCATION = "demo-location";
export const USER = "demo-user";

// The SDK reads its base URL from this static field when a client is created.
HighLevel.BASE_URL = MOCK;

export function client(options = {}) {
  // The SDK sends Version: 2023-02-21 by default; ghl-mock accepts it, as the live API does.
  return new HighLevel({ privateIntegrationToken: PIT, logLevel: "none", ...options });
}

export async function reset() {
  const response = await fetch(`${MOCK}/__mock/reset`, { method: "POST" });
  assert.equal(response.status, 200);
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

// What the popup would do: approve on the consent page, read the message the finish page posts.
export async function approve(consentUrl) {
  const consent = await fetch(`${consentUrl}&outcome=approve`, { redirect: "manual" });
  assert.equal(consent.status, 303);
  const finish = await fetch(new URL(consent.headers.get("location"), consentUrl));
  const html = await finish.text();
  const data = /<script type="application\/json" id="ghl-mock-message">(.*?)<\/script>/s.exec(html);
  assert.ok(data, `no ghl-mock-message on the finish page (HTTP ${finish.status})`);
  return JSON.parse(data[1]).payload;
}

// `node --test` runs each test file in its own process, several at once on a multi-core machine,
// and every file resets the one mock they share. So each file that imports this module holds a
// lock (a file in the OS temp directory, named after the mock's host) from its first test to its
// last, and the files take turns. A lock left by a process that died is taken over.
const LOCK = join(tmpdir(), `ghl-mock-node-sdk-${encodeURIComponent(new URL(MOCK).host)}.lock`);

async function holder() {
  const pid = Number(await readFile(LOCK, "utf8").catch(() => ""));
  if (!pid) return "starting"; // just created, its pid not written yet
  try {
    process.kill(pid, 0);
    return "alive";
  } catch (error) {
    return error.code === "EPERM" ? "alive" : "gone";
  }
}

before(async () => {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await writeFile(LOCK, String(process.pid), { flag: "wx" });
      return;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    if ((await holder()) === "gone") await rm(LOCK, { force: true });
    else if (Date.now() > deadline) throw new Error(`another test file still holds ${LOCK}`);
    else await sleep(50);
  }
});

after(async () => {
  if (Number(await readFile(LOCK, "utf8").catch(() => "")) === process.pid) await rm(LOCK, { force: true });
});

import { afterEach, describe, expect, it } from "vitest";
import type { Inventory } from "../inventory-types.js";
import { verify, type CheckResult } from "./checks.js";
import { FakeJitsi, type FakeJitsiOptions } from "../../test/support/verify/fake-jitsi.js";

const SECRET = "the-app-secret-0123456789abcdef";
const inv: Inventory = {
  name: "t",
  role: "main",
  bridge: { nickname: "jvb-test", xmppServer: "127.0.0.1" },
  bridges: [],
  ssh: { host: "h", port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
  jitsi: { domain: "meet.test", guestDomain: "guest.meet.test", prosodyAddress: "127.0.0.1", pluginDir: "/p" },
  jwt: { appId: "app", appSecret: SECRET, audience: "jitsi" },
  tls: { mode: "self-signed" },
};

let server: FakeJitsi | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function run(knobs: Partial<FakeJitsiOptions> = {}, timeoutMs = 2000, invOverride = inv): Promise<Record<string, CheckResult>> {
  server = await new FakeJitsi({ domain: "meet.test", guestDomain: "guest.meet.test", secret: SECRET, ...knobs }).start();
  const results = await verify({ inv: invOverride, endpoint: server.url, timeoutMs });
  expect(results.map((r) => r.id)).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

function expectNoValidToken(results: Record<string, CheckResult>) {
  const text = JSON.stringify(results);
  expect(text).not.toContain(SECRET);
  // No JWT-shaped string at all in the results: the valid ones must never be shown.
  expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
}

async function settled() {
  for (let i = 0; i < 50 && (server!.openConnections > 0 || server!.rooms.size > 0); i++) await new Promise((r) => setTimeout(r, 20));
}

describe("verify against a Jitsi-like server", () => {
  it("passes every check on a correct setup, with the server's own reasons, and leaves nothing behind", async () => {
    const r = await run();
    for (const c of Object.values(r)) expect(c, c.name + ": " + c.detail).toMatchObject({ ok: true });
    expect(r.a!.detail).toMatch(/SASL success as .*@meet\.test\/.*focus ready="true"; joined provision-verify-[0-9a-f]+@conference\.meet\.test \(status 110\)/);
    expect(r.b!.detail).toBe(`focus refused a guest for the new room ${r.b!.detail.match(/room (\S+):/)![1]}: not-authorized: "not authorized user domain"`);
    expect(r.c!.detail).toMatch(/^guest .*@guest\.meet\.test\/.*joined .* \(status 110\)$/);
    expect(r.d!.detail).toBe('SASL refused: not-allowed: "token required"');
    expect(r.e!.detail).toBe('SASL refused: not-allowed: "Invalid signature"');
    expect(r.f!.detail).toMatch(/^SASL refused: not-allowed: "Not acceptable by exp \(\d+ sec since expired\)"$/);
    expect(r.g!.detail).toMatch(/was refused in .*: not-allowed \/ room-mismatch: "Room and token mismatched"/);
    expectNoValidToken(r);
    await settled();
    expect(server!.openConnections).toBe(0);
    expect(server!.rooms.size).toBe(0);
  });

  it("sends the token both as ?token= and Authorization: Bearer, with ?room=, Origin and the xmpp subprotocol", async () => {
    await run();
    const first = server!.requests[0]!;
    const url = new URL(first.url, "http://x");
    expect(url.pathname).toBe("/xmpp-websocket");
    expect(url.searchParams.get("room")).toMatch(/^provision-verify-/);
    expect(first.headers.authorization).toBe(`Bearer ${url.searchParams.get("token")}`);
    expect(first.headers.origin).toBe("https://meet.test");
    expect(first.headers["sec-websocket-protocol"]).toBe("xmpp");
    const guest = server!.requests[1]!;
    expect(new URL(guest.url, "http://x").searchParams.has("token")).toBe(false);
    expect(guest.headers.authorization).toBeUndefined();
  });

  it("b fails when guests can create rooms", async () => {
    const r = await run({ guestsCanCreate: true });
    expect(r.b).toMatchObject({ ok: false });
    expect(r.b!.detail).toMatch(/^guests can create rooms: jicofo authentication is not enforced/);
    expect(r.a!.ok && r.c!.ok && r.g!.ok).toBe(true);
  });

  it("c fails with the domain-verification hint when token_verification refuses guests", async () => {
    const r = await run({ guestsRefusedAtJoin: true });
    expect(r.c).toMatchObject({ ok: false });
    expect(r.c!.detail).toMatch(/guests are refused by token_verification: not-allowed \/ room-name-does-not-match.*enable_domain_verification = false/);
  });

  it("d fails when a tokenless client may log in on the main domain", async () => {
    const r = await run({ allowEmptyToken: true });
    expect(r.d).toMatchObject({ ok: false });
    expect(r.d!.detail).toMatch(/a client with no token logged in on meet\.test.*allow_empty_token = false/);
  });

  it("g fails when room claims are not enforced", async () => {
    const r = await run({ tokenVerification: false });
    expect(r.g).toMatchObject({ ok: false });
    expect(r.g!.detail).toMatch(/^a token for room .*-other joined room .*: token_verification is not enforced on conference\.meet\.test/);
  });

  it("a fails with the secret hint when the host's app_secret differs; c and g are reported as not run", async () => {
    const r = await run({ secret: "a-different-secret" });
    expect(r.a).toMatchObject({ ok: false });
    expect(r.a!.detail).toBe(
      'Prosody refused a valid token on meet.test: not-allowed: "Invalid signature" (app_secret on the host differs from the inventory\'s JWT secret)',
    );
    expect(r.c).toMatchObject({ ok: false, skipped: true });
    expect(r.g!.detail).toMatch(/^not run: needs room .* opened by check a/);
    expectNoValidToken(r);
  });

  it("names jicofo when focus keeps answering service-unavailable (after retrying within the step timeout)", async () => {
    const t0 = Date.now();
    const r = await run({ focusUnavailable: true }, 2500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(r.a!.detail).toMatch(/^jicofo is not connected to Prosody \(focus\.meet\.test has no focus presence\)/);
    expect(r.b!.ok).toBe(false);
    expect(r.b!.detail).toMatch(/^jicofo is not connected/);
  });

  it("waits for a jicofo that connects a moment later instead of failing at once", async () => {
    const r = await run({ focusUnavailableFor: 2 }, 5000);
    for (const c of Object.values(r)) expect(c, c.name + ": " + c.detail).toMatchObject({ ok: true });
  });

  it("says the token auth provider is not loaded when no SASL mechanism is offered", async () => {
    const r = await run({ mechanismsMain: [] });
    expect(r.a!.detail).toMatch(/^no SASL mechanisms on meet\.test: the token auth provider is not loaded \(app_id\/app_secret or a Lua library missing\?\)/);
    expect(r.d).toMatchObject({ ok: false });
    expect(r.d!.detail).toMatch(/^no SASL mechanisms/);
  });

  it("names the authentication key when ANONYMOUS is not offered", async () => {
    const r = await run({ mechanismsMain: ["PLAIN", "SCRAM-SHA-1"] });
    expect(r.a!.detail).toBe(
      'ANONYMOUS is not offered on meet.test (offered: PLAIN, SCRAM-SHA-1): VirtualHost "meet.test" needs authentication = "token" (typo "authentification"?)',
    );
  });

  it("does not count 'no mechanism offered without a valid token' as a refusal for any particular reason", async () => {
    const r = await run({ hideMechanismsWithoutValidToken: true });
    for (const id of ["d", "e", "f"]) {
      expect(r[id]).toMatchObject({ ok: false });
      expect(r[id]!.detail).toMatch(/^refused without a reason: the server offers no SASL mechanism to this client \(it does to a valid token\), so this does not show that it refuses .+$/);
    }
    expect(r.a!.ok).toBe(true);
  });

  // Regression (docs/failure-modes.md #14): expired-refused passed with the refusal "Invalid signature".
  describe("each refusal passes only for the reason it checks", () => {
    it("expired-refused and no-token-refused fail when every bad token is refused as 'Invalid signature'; wrong-secret-refused passes", async () => {
      const r = await run({ refuseInvalidTokensWith: "Invalid signature" });
      expect(r.e).toMatchObject({ ok: true, detail: 'SASL refused: not-allowed: "Invalid signature"' });
      expect(r.f).toMatchObject({ ok: false, detail: 'refused for another reason: expected the token\'s expiry (e.g. "Not acceptable by exp (… sec since expired)"), the server said not-allowed: "Invalid signature"' });
      expect(r.d).toMatchObject({ ok: false, detail: 'refused for another reason: expected a missing token ("token required"), the server said not-allowed: "Invalid signature"' });
      expect(r.a!.ok && r.b!.ok && r.c!.ok && r.g!.ok).toBe(true);
    });

    it("wrong-secret-refused fails when a bad signature is refused as expired", async () => {
      const r = await run({ refuseInvalidTokensWith: "Not acceptable by exp (5 sec since expired)" });
      expect(r.e).toMatchObject({ ok: false, detail: 'refused for another reason: expected the signature (e.g. "Invalid signature"), the server said not-allowed: "Not acceptable by exp (5 sec since expired)"' });
      expect(r.f!.ok).toBe(true);
    });

    it("room-scoped fails when the token for another room is refused for something else", async () => {
      const r = await run({ roomMismatchRefusal: { condition: "registration-required", text: "Membership is required to enter this room" } });
      expect(r.g).toMatchObject({ ok: false });
      expect(r.g!.detail).toBe('refused for another reason: expected a room mismatch (not-allowed / room-mismatch, "Room and token mismatched"), the server said registration-required: "Membership is required to enter this room"');
    });

    it("room-scoped accepts the room mismatch with or without the jitmeet element, and domain verification's room-name-does-not-match", async () => {
      for (const refusal of [{ condition: "not-allowed", text: "Room and token mismatched" }, { condition: "not-allowed", app: "room-name-does-not-match", text: "Room and token mismatched" }]) {
        const r = await run({ roomMismatchRefusal: refusal });
        expect(r.g, JSON.stringify(refusal)).toMatchObject({ ok: true });
        await server?.stop();
        server = undefined;
      }
      const other = await run({ roomMismatchRefusal: { condition: "not-allowed", app: "room-does-not-exist", text: "Room does not exist" } });
      expect(other.g).toMatchObject({ ok: false, detail: expect.stringMatching(/^refused for another reason: expected a room mismatch .*the server said not-allowed \/ room-does-not-exist: "Room does not exist"$/) });
    });

    it("guest-cannot-open fails when focus refuses the guest for another reason than not-authorized", async () => {
      const r = await run({ guestRefusalCondition: "forbidden" });
      expect(r.b).toMatchObject({ ok: false });
      expect(r.b!.detail).toMatch(/^refused for another reason: expected not-authorized \(jicofo's JWT authentication\), the server said forbidden: "not authorized user domain"/);
    });
  });

  it("reports HTTP 404 in operator terms and does not retry every check", async () => {
    const r = await run({ httpStatus: 404 });
    expect(r.a!.detail).toMatch(/^Prosody is not serving \/xmpp-websocket at ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket \(HTTP 404/);
    for (const id of ["b", "c", "d", "e", "f", "g"]) expect(r[id]).toMatchObject({ ok: false, skipped: true });
    expect(server!.requests).toHaveLength(1);
  });

  it("names the step that timed out and does not hang", async () => {
    const t0 = Date.now();
    const r = await run({ silentOn: "conference" }, 300);
    expect(r.a!.detail).toBe("timed out after 0.3 s waiting for conference IQ to focus.meet.test");
    expect(r.b!.detail).toMatch(/timed out after 0\.3 s waiting for conference IQ/);
    expect(r.d!.ok).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
    await settled();
    expect(server!.openConnections).toBe(0);
  });

  it("starts every check while a is still waiting for focus (one websocket each), and times each", async () => {
    const r = await run({ silentOn: "conference" }, 1500);
    expect(r.a!.detail).toBe("timed out after 1.5 s waiting for conference IQ to focus.meet.test");
    // Run one after another, b–g would connect only once a had given up (1.5 s after the first request).
    const at = server!.requests.map((q) => q.at);
    expect(at).toHaveLength(7);
    expect(Math.max(...at) - Math.min(...at)).toBeLessThan(1000);
    expect(r.d).toMatchObject({ ok: true, ms: expect.any(Number) });
    expect(r.c).toMatchObject({ ok: false, skipped: true, detail: expect.stringMatching(/^not run: needs room .* opened by check a/) });
    expect(r.g).toMatchObject({ ok: false, skipped: true, detail: expect.stringMatching(/^not run: needs room .* opened by check a/) });
    await settled();
    expect(server!.openConnections).toBe(0);
  });

  it("times out on the MUC join step by name", async () => {
    const r = await run({ silentOn: "join" }, 300);
    expect(r.a!.detail).toMatch(/^timed out after 0\.3 s waiting for MUC join of provision-verify-[0-9a-f]+@conference\.meet\.test$/);
  });

  it("times out on a stream that never sends features", async () => {
    const r = await run({ silentOn: "open" }, 300);
    expect(r.a!.detail).toBe("timed out after 0.3 s waiting for stream open");
  });

  it("refuses a frame that is not one XML element", async () => {
    const r = await run({ garbageFrame: "<features" }, 500);
    expect(r.a!.detail).toMatch(/not one XML element \(RFC 7395\)/);
  });

  it("reports a refused connection in operator terms", async () => {
    server = await new FakeJitsi({ domain: "meet.test", guestDomain: "guest.meet.test", secret: SECRET }).start();
    const url = server.url;
    await server.stop();
    server = undefined;
    const results = await verify({ inv, endpoint: url, timeoutMs: 1000 });
    expect(results[0]!.detail).toMatch(/^Prosody is not serving \/xmpp-websocket at ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket: connection refused/);
    expect(results.filter((x) => x.skipped)).toHaveLength(6);
  });

  it("runs only the requested checks (plus a, which c and g need)", async () => {
    server = await new FakeJitsi({ domain: "meet.test", guestDomain: "guest.meet.test", secret: SECRET }).start();
    const results = await verify({ inv, endpoint: server.url, timeoutMs: 2000, only: ["d", "g"] });
    expect(results.map((x) => [x.id, x.ok])).toEqual([
      ["a", true],
      ["d", true],
      ["g", true],
    ]);
  });
});

// Check i (bridges): jicofo's /debug read through a forwarded channel, each missing bridge named with its cause.
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../host/host.js";
import { testInventory } from "../../test/support/tasks/harness.js";
import { bridgesCheck, diagnose, expectedBridges, parseJicofoBridges } from "./bridges.js";

const INV = testInventory({ name: "main", bridge: { nickname: "main", xmppServer: "127.0.0.1" }, bridges: [{ name: "b1", nickname: "b1", account: "jvb-b1" }, { name: "b2", nickname: "b2", account: "jvb-b2" }] });
const BREWERY = "jvbbrewery@internal.auth.meet.example.org";
const debug = (bridges: Record<string, boolean>) =>
  JSON.stringify({ bridge_selector: { strategy: "SingleBridgeSelectionStrategy", bridge: Object.fromEntries(Object.entries(bridges).map(([jid, operational]) => [jid, { operational, stress: 0.01, version: "null" }])) } });

describe("parseJicofoBridges", () => {
  it("reads the occupants of our brewery (case-insensitive room, nickname as is) and whether each is operational", () => {
    const body = debug({ [`${BREWERY}/main`]: true, [`JvbBrewery@internal.auth.meet.example.org/B1`]: false, "other@internal.auth.meet.example.org/x": true });
    expect(parseJicofoBridges(body, `JvbBrewery@internal.auth.meet.example.org`)).toEqual([
      { nickname: "main", operational: true },
      { nickname: "B1", operational: false },
    ]);
    expect(parseJicofoBridges("{}", BREWERY)).toEqual([]);
  });
});

describe("diagnose", () => {
  const [, b1, b2] = expectedBridges(INV);
  const base = { inv: INV, seen: [], expected: expectedBridges(INV), run: { ok: true } };
  it("names the cause each log gives, and the other bridge holding a nickname", () => {
    expect(diagnose(b1!, { ...base, log: { kind: "login-refused", condition: "not-authorized" } })).toMatch(/^login refused: Prosody answered not-authorized for jvb-b1@auth\.meet\.example\.org/);
    expect(diagnose(b2!, { ...base, log: { kind: "conflict", muc: BREWERY, nick: "b1" } })).toMatch(/^duplicate nickname: the brewery refused 'b1' \(conflict: videobridge b1 holds it\)/);
    expect(diagnose(b1!, { ...base, log: { kind: "joined", muc: "wrong@internal.auth.meet.example.org" } })).toBe(`wrong brewery: it joined wrong@internal.auth.meet.example.org, jicofo watches ${BREWERY}`);
    expect(diagnose(b1!, { ...base, log: { kind: "unreachable", endpoint: "10.0.0.1:5222", cause: "java.net.ConnectException: Connection refused" } })).toMatch(/^the main host's Prosody is unreachable at 10\.0\.0\.1:5222: java\.net\.ConnectException: Connection refused/);
    expect(diagnose(b1!, { ...base, log: { kind: "stopped" } })).toBe("jitsi-videobridge is not running on b1");
    expect(diagnose(b1!, { ...base, run: { ok: false, error: "task bootstrap failed: x\nmore" } })).toBe("its provisioning failed in this run: task bootstrap failed: x");
    expect(diagnose(b1!, { ...base, run: undefined })).toMatch(/b1 is not part of this run/);
    expect(diagnose(b1!, { ...base, seen: [{ nickname: "b1", operational: false }] })).toMatch(/not as operational/);
  });
});

describe("bridgesCheck", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  /** A jicofo REST stand-in answering /debug with what `body()` says now, reached through Host.forward. */
  async function jicofo(body: () => string): Promise<Host> {
    server = createServer((req, res) => {
      if (req.url !== "/debug") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(body());
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    return { name: "main", forward: async () => connect(port, "127.0.0.1"), run: async () => ({ code: 0, stdout: "@@active active\n@@log\n", stderr: "" }) } as unknown as Host;
  }

  it("passes once every expected bridge is in the brewery and operational (waiting for the late ones)", async () => {
    let calls = 0;
    const host = await jicofo(() => (++calls < 3 ? debug({ [`${BREWERY}/main`]: true }) : debug({ [`${BREWERY}/main`]: true, [`${BREWERY}/b1`]: true, [`${BREWERY}/b2`]: true })));
    const r = await bridgesCheck(host, INV, undefined, { pollMs: 10, timeoutMs: 5000 });
    expect(r).toMatchObject({ id: "i", name: "bridges", ok: true, detail: "3/3 bridges in the brewery and operational: main (on main), b1, b2" });
    expect(calls).toBe(3);
  });

  it("fails naming the missing bridge and its cause, read from the bridge host's connection, without waiting out the timeout", async () => {
    const host = await jicofo(() => debug({ [`${BREWERY}/main`]: true, [`${BREWERY}/b1`]: true }));
    const b2 = { name: "b2", run: async () => ({ code: 0, stdout: "@@active active\n@@log\nSASLError using SCRAM-SHA-1: not-authorized\n", stderr: "" }) } as unknown as Host;
    const fleet = { bridgesDone: async () => undefined, bridgeRun: (n: string) => (n === "b2" ? { host: b2, ok: true } : { host: b2, ok: true }) };
    const t0 = Date.now();
    const r = await bridgesCheck(host, INV, fleet, { pollMs: 10, timeoutMs: 20_000 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.ok).toBe(false);
    expect(r.detail).toBe(`2/3 bridges operational in JvbBrewery@internal.auth.meet.example.org; missing b2 (nickname b2): login refused: Prosody answered not-authorized for jvb-b2@auth.meet.example.org (the bridge's password differs from its account's on the main host)`);
  });

  it("a bridge listed under a nickname another bridge should have: both named, the refused one by its conflict", async () => {
    const host = await jicofo(() => debug({ [`${BREWERY}/main`]: true, [`${BREWERY}/b2`]: true }));
    const log = (text: string) => ({ name: "x", run: async () => ({ code: 0, stdout: `@@active active\n@@log\n${text}\n`, stderr: "" }) }) as unknown as Host;
    const hosts: Record<string, Host> = { b1: log(`Authenticated, resumed=false\nJoined MUC: ${BREWERY}`), b2: log(`Authenticated, resumed=false\nXMPP error reply received from ${BREWERY}/b2: XMPPError: conflict - cancel.`) };
    const fleet = { bridgesDone: async () => undefined, bridgeRun: (n: string) => ({ host: hosts[n], ok: true }) };
    const r = await bridgesCheck(host, INV, fleet, { pollMs: 10, timeoutMs: 20_000 });
    expect(r.ok).toBe(false);
    expect(r.detail).toBe(
      `1/3 bridges operational in JvbBrewery@internal.auth.meet.example.org; missing b1 (nickname b1): it joined the brewery, but not as 'b1' (another MUC_NICKNAME in its configuration); b2 (nickname b2): duplicate nickname: the brewery refused 'b2' (conflict: another occupant holds it); the bridge does not try again until it restarts`,
    );
  });

  it("says so when jicofo's REST interface cannot be read", async () => {
    const host = { name: "main", forward: async () => { throw new Error("Connection refused"); } } as unknown as Host;
    const r = await bridgesCheck(host, INV, undefined, { pollMs: 10, timeoutMs: 50 });
    expect(r).toMatchObject({ ok: false, detail: "cannot read jicofo's REST interface at 127.0.0.1:8888/debug on main: Connection refused" });
  });
});

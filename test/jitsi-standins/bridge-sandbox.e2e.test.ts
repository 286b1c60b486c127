// A videobridge on its own sandbox host (state bridge) logging in to a main host's Prosody over its 127.0.0.N:
// the bridge host has jitsi-videobridge and nothing else, its unit starts the stand-in with the jvb.conf +
// provision.conf layout the provisioner writes, jicofo on the main host lists it through its REST interface, and
// its log is the unit's journal (docs/jitsi.md "Bridges on their own hosts").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { downHost, upHost, type SandboxHost } from "../sandbox/host.js";
import { bridgesOf, jvbConf, until } from "./bridges.js";
import { configureMain, runIn } from "./sandbox-jitsi.js";

const tag = randomBytes(2).toString("hex");
const MAIN = `brm-${tag}`;
const BRIDGE = `brb-${tag}`;
let main: SandboxHost;
let bridge: SandboxHost;
const domain = `${MAIN}.sandbox.test`;
const password = randomBytes(9).toString("hex");
const occupant = `jvbbrewery@internal.auth.${domain}/${BRIDGE}`;

/** Writes the bridge's provision.conf (as the tool does: jvb.conf includes it last) with this password. */
async function configureBridge(pw: string): Promise<void> {
  const conf = jvbConf({ hostname: main.ip, domain: `auth.${domain}`, username: `jvb-${BRIDGE}`, password: pw,
    brewery: `JvbBrewery@internal.auth.${domain}`, nickname: BRIDGE, udpPort: 10000 });
  await runIn(bridge, "f=/etc/jitsi-videobridge/provision.conf; cat > $f && chown jvb:jitsi $f && chmod 600 $f", conf);
}

const journal = () => runIn(bridge, "journalctl -u jitsi-videobridge -o cat --no-pager");
const listed = async () => bridgesOf(`http://${main.ip}:8888`);

beforeAll(async () => {
  [main, bridge] = await Promise.all([upHost(MAIN, { state: "jitsi-installed" }), upHost(BRIDGE, { state: "bridge" })]);
  await configureMain(main, domain, "provision-test", randomBytes(16).toString("hex"));
  await runIn(main, `prosodyctl register jvb-${BRIDGE} auth.${domain}`, `${password}\n${password}\n`);
  await runIn(bridge, `echo 'include required("provision.conf")' >> /etc/jitsi-videobridge/jvb.conf`);
  // As the tool does: the package's legacy shard login in sip-communicator.properties would win over jvb.conf's.
  await runIn(bridge, "sed -i 's/^org\\.jitsi\\.videobridge\\.xmpp\\.user\\./# &/' /etc/jitsi-videobridge/sip-communicator.properties");
  await configureBridge(password);
}, 240_000);

afterAll(async () => {
  await Promise.all([downHost(MAIN).catch(() => undefined), downHost(BRIDGE).catch(() => undefined)]);
});

describe("a videobridge on its own sandbox host", () => {
  it("state bridge: jitsi-videobridge and the AUR tooling, nothing of the main host", async () => {
    const q = await runIn(bridge, "pacman -Qq");
    expect(q.split("\n")).toEqual(expect.arrayContaining(["jitsi-videobridge", "yay-bin", "git", "base-devel"]));
    for (const p of ["prosody", "jicofo", "nginx", "jitsi-meet", "jitsi-meet-prosody"]) expect(q.split("\n")).not.toContain(p);
  });

  it("joins the main host's brewery: jicofo lists it as operational, the journal says so", async () => {
    await runIn(bridge, "systemctl start jitsi-videobridge");
    await until(async () => (await listed())[occupant]?.operational === true, 20_000, journal);
    const log = await journal();
    expect(log).toContain(`Joined MUC: jvbbrewery@internal.auth.${domain}`); // jxmpp lower-cases JIDs
    expect(log).toContain(`Initialized SinglePortUdpHarvester with address ${bridge.ip}:10000/udp`);
    expect(log).not.toContain(password);
    // Each line has its own time, as in journald: reading the journal since the unit became active still finds them.
    const since = await runIn(bridge, `journalctl -u jitsi-videobridge -o cat --no-pager --since "$(systemctl show -p ActiveEnterTimestamp --timestamp=unix --value jitsi-videobridge)"`);
    expect(since).toContain("Joined MUC:");
    expect(await runIn(bridge, "ps -o user=,group= -p $(systemctl show -p MainPID --value jitsi-videobridge)")).toMatch(/^jvb\s+jitsi\s*$/);
  });

  it("a password changed by hand: the login is refused (journal), jicofo no longer lists it", async () => {
    await configureBridge("changed-by-hand");
    await runIn(bridge, "systemctl restart jitsi-videobridge");
    await until(async () => !(occupant in (await listed())), 10_000, journal);
    await until(async () => (await journal()).includes("SASLError using SCRAM-SHA-1: not-authorized"), 10_000, journal);
    expect(await journal()).toContain("Failed to login. Disconnecting to trigger a re-connect.");
    await configureBridge(password);
    await runIn(bridge, "systemctl restart jitsi-videobridge");
    await until(async () => (await listed())[occupant]?.operational === true, 20_000, journal);
  });

  it("the main host's Prosody gone: the bridge logs the lost connection and refused reconnects, and comes back with it", async () => {
    await until(async () => (await listed())[occupant]?.operational === true, 20_000, journal);
    await runIn(main, "systemctl stop prosody");
    await until(async () => /Reconnection failed: \n.*failed because: java\.net\.ConnectException: Connection refused/.test(await journal()), 10_000, journal);
    expect(await journal()).toContain("Closed on error:");
    await runIn(main, "systemctl start prosody");
    // the bridge reconnects within a second, jicofo within 5 s, and sees it in the brewery again
    await until(async () => (await listed().catch(() => ({} as Record<string, { operational: boolean }>)))[occupant]?.operational === true, 20_000, journal);
  });

  it("a legacy XMPP login in sip-communicator.properties wins over jvb.conf's, as in jvb: the bridge drops out", async () => {
    await until(async () => (await listed())[occupant]?.operational === true, 20_000, journal);
    await runIn(bridge, "sed -i 's/^# \\(org\\.jitsi\\.videobridge\\.xmpp\\.user\\.\\)/\\1/' /etc/jitsi-videobridge/sip-communicator.properties && systemctl restart jitsi-videobridge");
    await until(async () => !(occupant in (await listed())), 10_000, journal);
    await until(async () => (await journal()).includes("id=shard"), 10_000, journal);
    await runIn(bridge, "sed -i 's/^org\\.jitsi\\.videobridge\\.xmpp\\.user\\./# &/' /etc/jitsi-videobridge/sip-communicator.properties && systemctl restart jitsi-videobridge");
    await until(async () => (await listed())[occupant]?.operational === true, 20_000, journal);
  }, 120_000);

  it("start fails on a jvb.conf the bridge cannot read", async () => {
    await runIn(bridge, "systemctl stop jitsi-videobridge && cp /etc/jitsi-videobridge/jvb.conf /root/jvb.conf.bak && echo 'videobridge {' >> /etc/jitsi-videobridge/jvb.conf");
    const r = await bridge.exec("systemctl start jitsi-videobridge");
    expect(r.code).not.toBe(0);
    expect(await journal()).toMatch(/Exception in thread "main" com\.typesafe\.config\.ConfigException/);
    await runIn(bridge, "cp /root/jvb.conf.bak /etc/jitsi-videobridge/jvb.conf && systemctl start jitsi-videobridge");
  });
});

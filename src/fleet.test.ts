// Deployments from the inventory: group expansion, a main host's bridges, a bridge's main host, and every refusal.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandHosts, loadFleet, mainHostOf, refuseBridge, scanInventory } from "./fleet.js";
import { loadInventory } from "./inventory.js";
import { usageErrorOf } from "../test/support/errors.js";

const SECRET = "fleet-FAKE-secret-0123456789-abcdefghijklmn";
const OTHER = "other-FAKE-secret-0123456789-abcdefghijklmn";

/** An inventory directory: defaults.env shares SSH_USER; files holding the secret are 0600. */
function inventory(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "fleet-"));
  const all = { "defaults.env": "SSH_USER=arch\n", ...files };
  for (const [name, text] of Object.entries(all)) {
    if (name.includes("/")) mkdirSync(join(dir, name.split("/")[0]!), { recursive: true });
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), text.includes("JWT_APP_SECRET") ? 0o600 : 0o644);
  }
  return dir;
}

const MAIN = `JWT_APP_ID=app\nJWT_APP_SECRET=${SECRET}\nGROUP=eu\n`;
const BRIDGE = "ROLE=videobridge\nJITSI_DOMAIN=meet.example.org\nGROUP=eu\n";

/** meet.example.org (main), jvb2 and jvb1 (its bridges), other.example.net (another deployment, no group). */
const fleet = (extra: Record<string, string> = {}) =>
  inventory({
    "meet.example.org.env": MAIN,
    "jvb2.env": BRIDGE,
    "JVB1.env": `${BRIDGE}XMPP_SERVER=10.0.0.1\n`,
    "other.example.net.env": `JWT_APP_ID=app\nJWT_APP_SECRET=${OTHER}\n`,
    ...extra,
  });

describe("loadFleet", () => {
  it("a main host and its bridges: mains first, bridges by name on the main, the main's name and secret on each bridge", () => {
    const dir = fleet();
    const { run, mains } = loadFleet(["jvb2", "meet.example.org", "JVB1"], dir, {});
    expect(run.map((i) => i.name)).toEqual(["meet.example.org", "jvb2", "JVB1"]);
    expect(mains).toEqual([run[0]]);
    expect(run[0]!.bridges).toEqual([
      { name: "JVB1", nickname: "jvb1", account: "jvb-jvb1" },
      { name: "jvb2", nickname: "jvb2", account: "jvb-jvb2" },
    ]);
    for (const b of run.slice(1)) {
      expect(b).toMatchObject({ role: "videobridge", main: "meet.example.org", group: "eu" });
      expect(b.jwt).toEqual(run[0]!.jwt);
    }
    expect(run[2]!.bridge.xmppServer).toBe("10.0.0.1");
    expect(run[1]!.bridge.xmppServer).toBe("meet.example.org");
  });

  it("a bridge alone: its main host is loaded (not run) and expects every bridge of the inventory", () => {
    const { run, mains } = loadFleet(["jvb2"], fleet(), {});
    expect(run.map((i) => i.name)).toEqual(["jvb2"]);
    expect(mains.map((m) => [m.name, m.bridges.map((b) => b.name)])).toEqual([["meet.example.org", ["JVB1", "jvb2"]]]);
    expect(run[0]!.jwt.appSecret).toBe(SECRET);
  });

  it("a main host alone expects its bridges from the inventory; another deployment is untouched", () => {
    const dir = fleet({ "broken.env": "SSH_USER=root\nWHAT=1\n" }); // an unrelated broken host breaks nothing
    const { run, mains } = loadFleet(["other.example.net", "meet.example.org"], dir, {});
    expect(mains.map((m) => m.name)).toEqual(["other.example.net", "meet.example.org"]);
    expect(run[0]!.bridges).toEqual([]);
    expect(run[1]!.bridges.map((b) => b.name)).toEqual(["JVB1", "jvb2"]);
  });

  it("a group name stands for its hosts; duplicates collapse", () => {
    const { run } = loadFleet(["eu", "jvb2", "other.example.net"], fleet(), {});
    expect(run.map((i) => i.name)).toEqual(["meet.example.org", "other.example.net", "JVB1", "jvb2"]);
  });

  it("GROUP from defaults.env and a group file's keys apply through the scan as well", () => {
    const dir = fleet({ "defaults.env": "SSH_USER=arch\nGROUP=all\n", "meet.example.org.env": MAIN.replace("GROUP=eu\n", ""), "groups/all.env": "JITSI_DOMAIN=meet.example.org\n", "jvb2.env": "ROLE=videobridge\n", "JVB1.env": "ROLE=videobridge\n", "other.example.net.env": "ROLE=videobridge\n" });
    const { run } = loadFleet(["all"], dir, {});
    expect(run.map((i) => [i.name, i.main ?? i.bridges.length])).toEqual([["meet.example.org", 3], ["JVB1", "meet.example.org"], ["jvb2", "meet.example.org"], ["other.example.net", "meet.example.org"]]);
  });

  it("refuses a name that is both a host and a group, naming both (exit 2)", () => {
    const dir = fleet({ "eu.env": MAIN.replace("GROUP=eu\n", "JITSI_DOMAIN=eu.example.org\n") });
    const e = usageErrorOf(() => loadFleet(["eu"], dir, {}));
    expect(e.exitCode).toBe(2);
    expect(e.lines).toEqual([`'eu' is the host ${join(dir, "eu.env")} and the group of JVB1, jvb2, meet.example.org (GROUP=eu)`]);
    expect(e.fix).toMatch(/a name means one thing/);
  });

  it("refuses a bridge whose JITSI_DOMAIN names no main host, before connecting (exit 2)", () => {
    const dir = fleet({ "jvb3.env": "ROLE=videobridge\nJITSI_DOMAIN=meet.example.com\n" });
    const e = usageErrorOf(() => loadFleet(["meet.example.org", "jvb3"], dir, {}));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`videobridge host jvb3: JITSI_DOMAIN=meet.example.com names no main host in the inventory (${dir})`);
    expect(e.fix).toMatch(/ROLE=main, JITSI_DOMAIN=meet\.example\.com/);
  });

  it("refuses two main hosts of one domain and two hosts of a deployment with one nickname, all in one error", () => {
    const dir = fleet({ "meet2.env": `${MAIN}JITSI_DOMAIN=meet.example.org\nJVB_NICKNAME=jvb2\n` });
    const e = usageErrorOf(() => loadFleet(["jvb2"], dir, {}));
    expect(e.message).toBe("2 problems in the inventory");
    const text = e.format();
    expect(text).toContain("meet.example.org, meet2 are all main hosts of JITSI_DOMAIN=meet.example.org: a deployment has one");
    expect(text).toContain("meet2, jvb2 (deployment meet.example.org) share the brewery nickname 'jvb2': bridges with one nickname evict each other");
    const d2 = fleet({ "jvb2.env": `${BRIDGE}JVB_NICKNAME=jvb1\n` });
    const e2 = usageErrorOf(() => loadFleet(["meet.example.org"], d2, {}));
    expect(e2.message).toBe("JVB1, jvb2 (deployment meet.example.org) share the brewery nickname 'jvb1': bridges with one nickname evict each other");
    expect(e2.fix).toContain(join(d2, "jvb2.env"));
  });

  it("refuses a bridge's JWT_APP_SECRET other than its main host's, naming both files; the same one is fine", () => {
    const dir = fleet({ "jvb2.secrets.env": `JWT_APP_SECRET=${OTHER}\n` });
    const e = usageErrorOf(() => loadFleet(["jvb2"], dir, {}));
    expect(e.message).toBe("videobridge host jvb2 sets a JWT_APP_SECRET other than its main host meet.example.org's");
    expect(e.lines).toEqual([`jvb2: JWT_APP_SECRET from the ${join(dir, "jvb2.secrets.env")}`, `meet.example.org: JWT_APP_SECRET from the ${join(dir, "meet.example.org.env")}`]);
    expect(e.fix).toContain(`remove JWT_APP_SECRET from the ${join(dir, "jvb2.secrets.env")}`);
    expect(e.format()).not.toContain(OTHER);
    expect(e.format()).not.toContain(SECRET);
    expect(loadFleet(["jvb2"], fleet({ "jvb2.secrets.env": `JWT_APP_SECRET=${SECRET}\n` }), {}).run[0]!.jwt.appSecret).toBe(SECRET);
  });

  it("lists every invalid inventory with the deployment problems (the main host's too, when a bridge needs it)", () => {
    const dir = fleet({ "meet.example.org.env": `${MAIN}SSH_PORT=0\n`, "jvb2.env": `${BRIDGE}SSH_USER=root\n` });
    const e = usageErrorOf(() => loadFleet(["jvb2", "JVB1"], dir, {}));
    expect(e.message).toBe("2 problems in the inventory");
    expect(e.format()).toMatch(/jvb2\.env: inventory for 'jvb2' is invalid[\s\S]*meet\.example\.org\.env: inventory for 'meet\.example\.org' is invalid/);
    expect(usageErrorOf(() => loadFleet([], dir, {})).message).toBe("no host given");
    expect(usageErrorOf(() => loadFleet(["nope"], dir, {})).message).toMatch(/^no inventory for host 'nope'/);
  });
});

describe("scanInventory and expandHosts", () => {
  it("reads role, domain, group and nickname leniently, and never lists defaults, example or secrets files", () => {
    const dir = fleet({ "example.env": "SSH_USER=arch\n", "jvb2.secrets.env": "JVB_NICKNAME=x\n", "bad.env": "ROLE=bridge\nNOT_A_KEY=1\n" });
    expect(scanInventory(dir, {})).toEqual([
      { name: "JVB1", role: "videobridge", domain: "meet.example.org", group: "eu", nickname: "jvb1" },
      { name: "bad", role: "bridge", domain: "bad", group: undefined, nickname: "bad" },
      { name: "jvb2", role: "videobridge", domain: "meet.example.org", group: "eu", nickname: "x" },
      { name: "meet.example.org", role: "main", domain: "meet.example.org", group: "eu", nickname: "meet.example.org" },
      { name: "other.example.net", role: "main", domain: "other.example.net", group: undefined, nickname: "other.example.net" },
    ]);
  });

  it("keeps unknown names (loading them says what is missing)", () => {
    expect(expandHosts(["x", "eu", "x"], [{ name: "a", role: "main", domain: "a", group: "eu", nickname: "a" }], "/inv")).toEqual(["x", "a"]);
  });
});

describe("token and verify refuse a videobridge host", () => {
  it("naming its main host", () => {
    const dir = fleet();
    const jvb = loadInventory("jvb2", { dir, env: {} });
    const main = mainHostOf(jvb, dir, {});
    expect(main).toBe("meet.example.org");
    const e = usageErrorOf(() => refuseBridge(jvb, "token", main));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe("jvb2 is a videobridge host: provision token runs against its deployment's main host");
    expect(e.fix).toBe("run it against meet.example.org: provision token --host meet.example.org");
    expect(() => refuseBridge(loadInventory("meet.example.org", { dir, env: {} }), "token", undefined)).not.toThrow();
    expect(usageErrorOf(() => refuseBridge(jvb, "verify", undefined)).fix).toMatch(/none is in the inventory/);
  });
});

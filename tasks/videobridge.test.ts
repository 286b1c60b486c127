import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HostError } from "../src/errors.js";
import type { Fact } from "../src/facts/fact.js";
import type { Inventory } from "../src/inventory-types.js";
import type { ConfigOwnership } from "../src/facts/config-ownership.js";
import { editJvbConf, existingJvbPassword, renderJvbProvision } from "../src/render/jvb.js";
import { planEnv, type CommandChange, type FileChange } from "../src/task.js";
import { accounts, planAccounts, type AccountsInput } from "./accounts.js";
import { TASKS } from "./index.js";
import { JVB_CONF, JVB_PROVISION_CONF, videobridge, type VideobridgeFacts } from "./videobridge.js";

const INV: Inventory = {
  name: "h",
  role: "main",
  bridge: { nickname: "jvb-test", xmppServer: "127.0.0.1" },
  bridges: [],
  ssh: { host: "h", port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
  jitsi: { domain: "meet.example.com", guestDomain: "guest.meet.example.com", prosodyAddress: "127.0.0.1", pluginDir: "/usr/lib/jitsi-meet-prosody" },
  jwt: { appId: "app", appSecret: "app-secret-FAKE", audience: "jitsi" },
  tls: { mode: "self-signed" },
};
const PACKAGE_CONF = readFileSync(new URL("../test/sandbox/packages/jitsi-videobridge/files/etc/jitsi-videobridge/jvb.conf", import.meta.url), "utf8");
const OLD_BLOCK_CONF = readFileSync(new URL("../src/render/__fixtures__/jvb.conf.sandbox.old-block", import.meta.url), "utf8");
const PW = "FAKE-jvb-password";
const OURS = renderJvbProvision({ domain: INV.jitsi.domain, xmppServer: INV.jitsi.prosodyAddress, username: "jvb", password: PW, nickname: INV.bridge.nickname });
const INCLUDED = editJvbConf(PACKAGE_CONF);
const env = (random = "FAKE-fresh-password") => planEnv({ random: () => random });

/** Ownership without a tmpfiles rule: root, the bridge's group, 0640. */
function own(group: string | null): ConfigOwnership {
  return { owner: "root", group, mode: 0o640, why: "readable by jitsi-videobridge's group" };
}

function facts(over: Partial<VideobridgeFacts> = {}): VideobridgeFacts {
  return { file: { content: INCLUDED, owner: "root", group: "jvb", mode: 0o640 }, ours: { content: OURS, owner: "root", group: "jvb", mode: 0o640 }, ownership: own("jvb"), ...over };
}

describe("videobridge plan (pure)", () => {
  it("changes nothing when our file and the include are in place with the right owner, group and mode; hands on the password kept", () => {
    const plan = videobridge.plan(INV, facts(), env());
    expect(plan.changes).toEqual([]);
    expect(plan.reason).toBe(`${JVB_PROVISION_CONF} (included last by ${JVB_CONF}) logs the bridge in as jvb@auth.meet.example.com and joins the brewery as jvb-test; root:jvb 0640, readable by jitsi-videobridge's group`);
    expect(plan.handoff).toEqual({ jvbPassword: { value: PW, generated: false } });
    expect(plan.secrets).toEqual([PW]);
  });

  it("on the package's jvb.conf: writes our file with a fresh password, then the include, root:<jvb's group> 0640, notifying the bridge", () => {
    const plan = videobridge.plan(INV, facts({ file: { content: PACKAGE_CONF, owner: "root", group: "root", mode: 0o600 }, ours: null }), env("FAKE-fresh"));
    const [ours, conf] = plan.changes as FileChange[];
    expect(plan.changes).toHaveLength(2);
    expect(ours).toMatchObject({ kind: "file", path: JVB_PROVISION_CONF, previous: null, owner: "root", group: "jvb", mode: 0o640, notify: ["jitsi-videobridge"] });
    expect(existingJvbPassword(ours!.content, null)).toBe("FAKE-fresh");
    expect(conf).toMatchObject({ kind: "file", path: JVB_CONF, previous: PACKAGE_CONF, content: INCLUDED, owner: "root", group: "jvb", mode: 0o640, notify: ["jitsi-videobridge"] });
    expect(plan.handoff).toEqual({ jvbPassword: { value: "FAKE-fresh", generated: true } });
    expect(plan.secrets).toEqual(["FAKE-fresh"]);
  });

  it("keeps the password of an earlier version's managed block, and removes the block", () => {
    const plan = videobridge.plan(INV, facts({ file: { content: OLD_BLOCK_CONF, owner: "root", group: "jvb", mode: 0o640 }, ours: null }), planEnv());
    expect(plan.handoff).toEqual({ jvbPassword: { value: "golden-FAKE-jvb-pw", generated: false } });
    const [ours, conf] = plan.changes as FileChange[];
    expect(existingJvbPassword(ours!.content, null)).toBe("golden-FAKE-jvb-pw");
    expect(conf!.content).not.toContain("provision-managed");
  });

  it("uses the group the bridge runs as (AUR: jitsi)", () => {
    const plan = videobridge.plan(INV, facts({ ownership: own("jitsi") }), env());
    expect((plan.changes as FileChange[]).map((c) => c.group)).toEqual(["jitsi", "jitsi"]);
  });

  it("follows the package's tmpfiles rule (AUR: Z /etc/jitsi-videobridge 0600 jvb jitsi), so a reboot changes nothing", () => {
    const ownership: ConfigOwnership = { owner: "jvb", group: "jitsi", mode: 0o600, why: "as the tmpfiles rule Z … sets it at every boot" };
    const [c] = videobridge.plan(INV, facts({ ownership }), env()).changes as FileChange[];
    expect(c).toMatchObject({ owner: "jvb", group: "jitsi", mode: 0o600 });
    const same = { owner: "jvb", group: "jitsi", mode: 0o600 };
    const plan = videobridge.plan(INV, facts({ ownership, file: { content: INCLUDED, ...same }, ours: { content: OURS, ...same } }), env());
    expect(plan.changes).toEqual([]);
    expect(plan.reason).toMatch(/jvb:jitsi 0600, as the tmpfiles rule/);
  });

  it("fixes ownership or mode alone", () => {
    for (const ours of [
      { content: OURS, owner: "jvb", group: "jvb", mode: 0o640 },
      { content: OURS, owner: "root", group: "jvb", mode: 0o644 },
    ]) {
      const changes = videobridge.plan(INV, facts({ ours }), env()).changes as FileChange[];
      expect(changes).toEqual([expect.objectContaining({ path: JVB_PROVISION_CONF, content: OURS, owner: "root", group: "jvb", mode: 0o640 })]);
    }
  });

  it("fails with a fix when jvb.conf or the jvb user is missing", () => {
    expect(() => videobridge.plan(INV, facts({ file: null }), env())).toThrow(HostError);
    expect(() => videobridge.plan(INV, facts({ file: null }), env())).toThrow(/jvb\.conf does not exist/);
    try {
      videobridge.plan(INV, facts({ file: null }), env());
    } catch (e) {
      expect((e as HostError).fix).toMatch(/install jitsi-videobridge/);
    }
    expect(() => videobridge.plan(INV, facts({ ownership: own(null) }), env())).toThrow(/cannot tell which group jitsi-videobridge\.service runs as/);
  });

  it("turns a damaged managed block of an earlier version into a HostError that does not echo the file", () => {
    const file = { content: `${PACKAGE_CONF}# BEGIN provision-managed\nPASSWORD = "s3cr3t-FAKE"\n`, owner: "root", group: "jvb", mode: 0o640 };
    const err = (() => {
      try {
        videobridge.plan(INV, facts({ file, ours: null }), env());
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).format()).toMatch(/jvb\.conf: the provision-managed block of an earlier version is damaged/);
    expect((err as HostError).format()).not.toContain("s3cr3t");
  });
});

describe("accounts plan: jvb (pure)", () => {
  const base: AccountsInput = { focus: { exists: true, matches: true }, jvb: { exists: true, matches: undefined }, subscribed: true, focusPassword: "focus-FAKE", focusPasswordNew: false, jvbPassword: PW, jvbPasswordNew: false };
  const jvbChanges = (f: Partial<AccountsInput>) => planAccounts(INV, { ...base, ...f }).changes as CommandChange[];

  it("registers jvb with the bridge's password through stdin when the account is missing", () => {
    for (const jvbPasswordNew of [false, true]) {
      expect(jvbChanges({ jvb: { exists: false }, jvbPasswordNew })).toEqual([
        { kind: "command", summary: "register jvb@auth.meet.example.com", argv: ["prosodyctl", "register", "jvb", "auth.meet.example.com"], sudo: true, stdin: `${PW}\n${PW}\n`, notify: ["jitsi-videobridge"] },
      ]);
    }
  });

  it("sets the password of an existing account when the stored key does not match, or (format unknown) the password is new, never through argv", () => {
    expect(jvbChanges({ jvb: { exists: true, matches: false } })).toHaveLength(1);
    expect(jvbChanges({ jvb: { exists: true, matches: true }, jvbPasswordNew: true })).toEqual([]);
    const [c] = jvbChanges({ jvbPasswordNew: true });
    expect(c).toMatchObject({ summary: "set the password of jvb@auth.meet.example.com to the bridge's", argv: ["prosodyctl", "register", "jvb", "auth.meet.example.com"], stdin: `${PW}\n${PW}\n` });
    expect(c!.argv.join(" ")).not.toContain(PW);
  });

  it("does nothing when the account exists and the password is the one already in jvb.conf", () => {
    expect(jvbChanges({})).toEqual([]);
  });

  it("refuses to register jvb without knowing the bridge's password", () => {
    expect(() => jvbChanges({ jvb: { exists: false }, jvbPassword: undefined })).toThrow(/jvb password is unknown/);
  });
});

describe("accounts: the videobridge hosts' accounts on the main host", () => {
  const MAIN: Inventory = { ...INV, bridges: [{ name: "b1", nickname: "b1", account: "jvb-b1" }, { name: "b2", nickname: "b2", account: "jvb-b2" }] };
  const stored = (others: Map<string, string>, bridgeAccounts: string[] = []) => ({ dataDir: true, subscribed: true, others, focus: "x", jvb: "x", bridgeAccounts });
  const handoff = { focusPassword: { value: "focus-FAKE", generated: false }, jvbPassword: { value: PW, generated: false } };

  it("reads each bridge's account and registers those missing or holding another password, the password on stdin only", async () => {
    const { bridgePassword } = await import("../src/bridge-account.js");
    const { scramFileFor } = await import("../test/support/tasks/scram.js");
    const pw1 = bridgePassword(INV.jwt.appSecret, "jvb-b1", INV.jitsi.domain);
    const fact = accounts.facts(MAIN) as Fact<unknown>;
    expect(fact.args.slice(2)).toEqual(["jvb%2db1", "jvb%2db2"]);
    const plan = accounts.plan(MAIN, stored(new Map([["jvb-b1", scramFileFor(pw1)], ["jvb-b2", scramFileFor("changed-by-hand-FAKE")]])) as never, planEnv({ handoff }));
    const cmds = plan.changes.filter((c) => c.kind === "command" && c.argv[2]?.startsWith("jvb-")) as CommandChange[];
    expect(cmds.map((c) => c.summary)).toEqual(["set the password of jvb-b2@auth.meet.example.com to videobridge b2's"]);
    const pw2 = bridgePassword(INV.jwt.appSecret, "jvb-b2", INV.jitsi.domain);
    expect(cmds[0]!.stdin).toBe(`${pw2}\n${pw2}\n`);
    expect(cmds[0]!.argv.join(" ")).not.toContain(pw2);
    expect(plan.secrets).toEqual(expect.arrayContaining([pw1, pw2]));
    const none = accounts.plan(MAIN, stored(new Map()) as never, planEnv({ handoff }));
    expect((none.changes as CommandChange[]).filter((c) => c.argv[2]?.startsWith("jvb-")).map((c) => c.summary)).toEqual([
      "register jvb-b1@auth.meet.example.com for videobridge b1",
      "register jvb-b2@auth.meet.example.com for videobridge b2",
    ]);
  });
});

describe("accounts: a videobridge host taken out of the inventory", () => {
  it("loses its account (prosodyctl unregister, which works offline); the inventory's bridges keep theirs", async () => {
    const { scramFileFor } = await import("../test/support/tasks/scram.js");
    const { bridgePassword } = await import("../src/bridge-account.js");
    const MAIN: Inventory = { ...INV, bridges: [{ name: "b1", nickname: "b1", account: "jvb-b1" }] };
    const handoff = { focusPassword: { value: "focus-FAKE", generated: false }, jvbPassword: { value: PW, generated: false } };
    const f = { dataDir: true, subscribed: true, focus: "x", jvb: "x", others: new Map([["jvb-b1", scramFileFor(bridgePassword(INV.jwt.appSecret, "jvb-b1", INV.jitsi.domain))]]), bridgeAccounts: ["jvb-b1", "jvb-old.one"] };
    const plan = accounts.plan(MAIN, f as never, planEnv({ handoff }));
    expect((plan.changes as CommandChange[]).filter((c) => c.argv[2]?.startsWith("jvb-"))).toEqual([
      { kind: "command", summary: "remove jvb-old.one@auth.meet.example.com (its videobridge is no longer in the inventory)", argv: ["prosodyctl", "unregister", "jvb-old.one", "auth.meet.example.com"], sudo: true },
    ]);
    expect(accounts.plan(MAIN, { ...f, bridgeAccounts: ["jvb-b1"] } as never, planEnv({ handoff })).changes).toEqual([]);
  });
});

describe("task order", () => {
  it("runs videobridge right after jicofo and before accounts", () => {
    const names = TASKS.map((t) => t.name);
    expect(names.indexOf("videobridge")).toBe(names.indexOf("jicofo") + 1);
    expect(names.indexOf("videobridge")).toBeLessThan(names.indexOf("accounts"));
  });
});

describe("videobridge facts", () => {
  const declared = videobridge.facts(INV) as { [K in keyof VideobridgeFacts]: Fact<VideobridgeFacts[K]> };
  const fileOutput = (path: string, stat: string | null, content = "") => `@@file ${path}\n${stat === null ? "absent" : `${stat}\n${Buffer.from(content).toString("base64")}`}\n`;

  it("reads both files and jvb's ownership; decides nothing", () => {
    expect([declared.file.name, declared.file.args, declared.ours.name, declared.ours.args]).toEqual(["read", [JVB_CONF], "read", [JVB_PROVISION_CONF]]);
    expect([declared.ownership.name, declared.ownership.args.slice(-2)]).toEqual(["config-ownership", ["jitsi-videobridge", JVB_CONF]]);
    const f: VideobridgeFacts = {
      file: declared.file.parse(fileOutput(JVB_CONF, "root jitsi 640", INCLUDED), 0),
      ours: declared.ours.parse(fileOutput(JVB_PROVISION_CONF, "root jitsi 640", OURS), 0),
      ownership: declared.ownership.parse("@@jitsi-videobridge\njvb\njitsi\n@@@tmpfiles\n", 0),
    };
    expect(f).toEqual({ ownership: expect.objectContaining({ owner: "root", group: "jitsi", mode: 0o640 }), file: { owner: "root", group: "jitsi", mode: 0o640, content: INCLUDED }, ours: { owner: "root", group: "jitsi", mode: 0o640, content: OURS } });
    expect(videobridge.plan(INV, f, env()).changes).toEqual([]);
  });

  it("a missing jvb.conf and a missing jvb user reach the plan, which names the fix", () => {
    const f: VideobridgeFacts = { file: declared.file.parse(fileOutput(JVB_CONF, null), 0), ours: declared.ours.parse(fileOutput(JVB_PROVISION_CONF, null), 0), ownership: declared.ownership.parse("@@jitsi-videobridge\n\n-\n@@@tmpfiles\n", 0) };
    expect(f).toMatchObject({ file: null, ours: null, ownership: { group: null } });
    expect(() => videobridge.plan(INV, f, env())).toThrow(/jvb\.conf does not exist/);
  });
});

describe("videobridge: the package's legacy XMPP login", () => {
  const SHIPPED = readFileSync(new URL("../test/sandbox/packages/jitsi-videobridge/files/etc/jitsi-videobridge/sip-communicator.properties", import.meta.url), "utf8");
  it("comments out the legacy shard connection in sip-communicator.properties (it would win over ours), keeping its ownership; then nothing", async () => {
    const { disableLegacyXmppUsers } = await import("../src/render/sip-properties.js");
    const also = { content: SHIPPED, owner: "jvb", group: "jitsi", mode: 0o600 };
    const plan = videobridge.plan(INV, { ...facts(), also }, env());
    expect(plan.changes).toEqual([
      { kind: "file", path: "/etc/jitsi-videobridge/sip-communicator.properties", content: disableLegacyXmppUsers(SHIPPED), previous: SHIPPED, owner: "jvb", group: "jitsi", mode: 0o600, notify: ["jitsi-videobridge"] },
    ]);
    expect(videobridge.plan(INV, { ...facts(), also: { ...also, content: disableLegacyXmppUsers(SHIPPED) } }, env()).changes).toEqual([]);
    expect(videobridge.plan(INV, { ...facts(), also: null }, env()).changes).toEqual([]);
  });
});

describe("videobridge plan on a videobridge host (pure)", () => {
  const BRIDGE: Inventory = { ...INV, name: "JVB1", role: "videobridge", main: "h", bridge: { nickname: "jvb1", xmppServer: "xmpp.meet.example.com" } };
  const ours = (plan: ReturnType<typeof videobridge.plan>) => (plan.changes.find((c) => c.kind === "file" && c.path === JVB_PROVISION_CONF) as FileChange).content;

  it("logs in as jvb-<name> at XMPP_SERVER with the password derived from the deployment's secret, never a random one", async () => {
    const { bridgePassword } = await import("../src/bridge-account.js");
    const plan = videobridge.plan(BRIDGE, facts({ ours: null }), planEnv());
    const text = ours(plan);
    expect(text).toContain('USERNAME = "jvb-jvb1"');
    expect(text).toContain('HOSTNAME = "xmpp.meet.example.com"');
    expect(text).toContain('MUC_NICKNAME = "jvb1"');
    expect(text).toContain(`PASSWORD = "${bridgePassword(INV.jwt.appSecret, "jvb-jvb1", INV.jitsi.domain)}"`);
    expect(plan.secrets).toEqual([bridgePassword(INV.jwt.appSecret, "jvb-jvb1", INV.jitsi.domain)]);
  });

  it("rewrites a password changed by hand back to the derived one", () => {
    const first = ours(videobridge.plan(BRIDGE, facts({ ours: null }), planEnv()));
    const edited = first.replace(/PASSWORD = "[^"]*"/, 'PASSWORD = "by-hand-FAKE"');
    const plan = videobridge.plan(BRIDGE, facts({ ours: { content: edited, owner: "root", group: "jvb", mode: 0o640 } }), planEnv());
    expect(ours(plan)).toBe(first);
    expect(videobridge.plan(BRIDGE, facts({ ours: { content: first, owner: "root", group: "jvb", mode: 0o640 } }), planEnv()).changes).toEqual([]);
  });

  it("behind NAT maps the host's own source address to JVB_PUBLIC_ADDRESS, or JVB_LOCAL_ADDRESS when given", () => {
    const natted: Inventory = { ...BRIDGE, bridge: { ...BRIDGE.bridge, publicAddress: "192.0.2.7" } };
    const src = (videobridge.facts(natted) as Record<string, Fact<unknown>>).extra;
    expect(src?.name).toBe("local-address");
    expect(ours(videobridge.plan(natted, { ...facts({ ours: null }), extra: "10.0.0.5" }, planEnv()))).toContain('static-mappings = [{ local-address = "10.0.0.5", public-address = "192.0.2.7", name = "provision" }]');
    const given: Inventory = { ...natted, bridge: { ...natted.bridge, localAddress: "10.9.9.9" } };
    expect((videobridge.facts(given) as Record<string, Fact<unknown>>).extra).toBeUndefined();
    expect(ours(videobridge.plan(given, facts({ ours: null }), planEnv()))).toContain('local-address = "10.9.9.9"');
    expect(() => videobridge.plan(natted, { ...facts({ ours: null }), extra: undefined }, planEnv())).toThrow(/cannot tell the local address that JVB_PUBLIC_ADDRESS 192.0.2.7 maps to/);
  });
});

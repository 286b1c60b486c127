import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HostError } from "../src/errors.js";
import { FakeHost } from "../test/support/host/fake-host.js";
import type { RunOptions, RunResult } from "../src/host/host.js";
import type { Inventory } from "../src/inventory-types.js";
import type { ConfigOwnership } from "../src/facts/config-ownership.js";
import { editJvb, readJvb } from "../src/render/jvb.js";
import type { CommandChange, FileChange, RunState, TaskContext } from "../src/task.js";
import { accounts, type AccountFacts } from "./accounts.js";
import { TASKS } from "./index.js";
import { JVB_CONF, JVB_PASSWORD, JVB_PASSWORD_NEW, videobridge, type VideobridgeFacts } from "./videobridge.js";

const INV: Inventory = {
  name: "h",
  ssh: { host: "h", port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
  jitsi: { domain: "meet.example.com", guestDomain: "guest.meet.example.com", prosodyAddress: "127.0.0.1", pluginDir: "/usr/lib/jitsi-meet-prosody" },
  jwt: { appId: "app", appSecret: "app-secret-FAKE", audience: "jitsi" },
  tls: { mode: "self-signed" },
};
const PACKAGE_CONF = readFileSync(new URL("../test/sandbox/packages/jitsi-videobridge/files/etc/jitsi-videobridge/jvb.conf", import.meta.url), "utf8");
const PW = "FAKE-jvb-password";
const MANAGED = editJvb(PACKAGE_CONF, { domain: INV.jitsi.domain, prosodyAddress: INV.jitsi.prosodyAddress, password: PW });

/** Ownership without a tmpfiles rule: root, the bridge's group, 0640. */
function own(group: string | null): ConfigOwnership {
  return { owner: "root", group, mode: 0o640, why: "readable by jitsi-videobridge's group" };
}

function facts(over: Partial<VideobridgeFacts> = {}): VideobridgeFacts {
  return { file: { content: MANAGED, owner: "root", group: "jvb", mode: 0o640 }, ownership: own("jvb"), password: PW, generated: false, others: [], ...over };
}

describe("videobridge plan (pure)", () => {
  it("changes nothing when jvb.conf already has our block, owner, group and mode", () => {
    const plan = videobridge.plan(INV, facts());
    expect(plan.changes).toEqual([]);
    expect(plan.reason).toBe(`${JVB_CONF} logs the bridge in as jvb@auth.meet.example.com; root:jvb 0640, readable by jitsi-videobridge's group`);
  });

  it("writes the package's jvb.conf with the block, root:<jvb's group> 0640, and notifies the bridge", () => {
    const plan = videobridge.plan(INV, facts({ file: { content: PACKAGE_CONF, owner: "root", group: "root", mode: 0o600 }, generated: true }));
    expect(plan.changes).toHaveLength(1);
    const c = plan.changes[0] as FileChange;
    expect(c).toMatchObject({ kind: "file", path: JVB_CONF, previous: PACKAGE_CONF, owner: "root", group: "jvb", mode: 0o640, notify: ["jitsi-videobridge"] });
    expect(c.content).toBe(MANAGED);
    expect(readJvb(c.content)).toMatchObject({ password: PW, username: "jvb", domain: "auth.meet.example.com", hostname: "127.0.0.1" });
  });

  it("uses the group the bridge runs as (AUR: jitsi)", () => {
    const plan = videobridge.plan(INV, facts({ ownership: own("jitsi") }));
    expect((plan.changes[0] as FileChange).group).toBe("jitsi");
    expect(videobridge.plan(INV, facts({ ownership: own("jitsi"), file: { content: MANAGED, owner: "root", group: "jitsi", mode: 0o640 } })).changes).toEqual([]);
  });

  it("follows the package's tmpfiles rule (AUR: Z /etc/jitsi-videobridge 0600 jvb jitsi), so a reboot changes nothing", () => {
    const ownership: ConfigOwnership = { owner: "jvb", group: "jitsi", mode: 0o600, why: "as the tmpfiles rule Z … sets it at every boot" };
    const [c] = videobridge.plan(INV, facts({ ownership })).changes as FileChange[];
    expect(c).toMatchObject({ owner: "jvb", group: "jitsi", mode: 0o600 });
    const plan = videobridge.plan(INV, facts({ ownership, file: { content: MANAGED, owner: "jvb", group: "jitsi", mode: 0o600 } }));
    expect(plan.changes).toEqual([]);
    expect(plan.reason).toMatch(/jvb:jitsi 0600, as the tmpfiles rule/);
  });

  it("fixes ownership or mode alone (the package's tmpfiles make it jvb-owned)", () => {
    for (const file of [
      { content: MANAGED, owner: "jvb", group: "jvb", mode: 0o640 },
      { content: MANAGED, owner: "root", group: "jvb", mode: 0o644 },
    ]) {
      const [c] = videobridge.plan(INV, facts({ file })).changes as FileChange[];
      expect(c).toMatchObject({ content: MANAGED, owner: "root", group: "jvb", mode: 0o640 });
    }
  });

  it("names other connections the file configures", () => {
    expect(videobridge.plan(INV, facts({ others: ["shard"] })).reason).toMatch(/also connects as shard \(not ours\)/);
  });

  it("fails with a fix when jvb.conf or the jvb user is missing", () => {
    expect(() => videobridge.plan(INV, facts({ file: null }))).toThrow(HostError);
    expect(() => videobridge.plan(INV, facts({ file: null }))).toThrow(/jvb\.conf does not exist/);
    try {
      videobridge.plan(INV, facts({ file: null }));
    } catch (e) {
      expect((e as HostError).fix).toMatch(/install jitsi-videobridge/);
    }
    expect(() => videobridge.plan(INV, facts({ ownership: own(null) }))).toThrow(/cannot tell which group jitsi-videobridge\.service runs as/);
  });

  it("turns an override after the block into a HostError naming the key, not the value", () => {
    const file = { content: `${MANAGED}videobridge.apis.xmpp-client.configs.provision.PASSWORD = "attacker-FAKE"\n`, owner: "root", group: "jvb", mode: 0o640 };
    expect(() => videobridge.plan(INV, facts({ file }))).toThrow(HostError);
    expect(() => videobridge.plan(INV, facts({ file }))).toThrow(/override videobridge\.apis\.xmpp-client\.configs\.provision\.PASSWORD/);
    expect(() => videobridge.plan(INV, facts({ file }))).not.toThrow(/attacker/);
  });
});

describe("accounts plan: jvb (pure)", () => {
  const base: AccountFacts = { focus: { exists: true, matches: true }, jvb: { exists: true, matches: undefined }, subscribed: true, focusPassword: "focus-FAKE", focusPasswordNew: false, jvbPassword: PW, jvbPasswordNew: false };
  const jvbChanges = (f: Partial<AccountFacts>) => accounts.plan(INV, { ...base, ...f }).changes as CommandChange[];

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

describe("task order", () => {
  it("runs videobridge right after jicofo and before accounts", () => {
    const names = TASKS.map((t) => t.name);
    expect(names.indexOf("videobridge")).toBe(names.indexOf("jicofo") + 1);
    expect(names.indexOf("videobridge")).toBeLessThan(names.indexOf("accounts"));
  });
});

/** The strict fake, with the facts' inline scripts matched by name (their text is private to src/facts/). */
class Fake extends FakeHost {
  override async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const label = argv[0] === "sh" && argv[1] === "-c" ? argv[3] : undefined;
    const a = label === "read" ? ["sh", "-c", "<readFiles>", ...argv.slice(3)] : label === "config-ownership" ? ["<config-ownership>", ...argv.slice(-2)] : argv;
    return super.run(a, opts);
  }
}
const OWNERSHIP_CALL = { argv: ["<config-ownership>", "jitsi-videobridge", JVB_CONF] };
const ownershipOutput = (group: string) => `@@jitsi-videobridge\njvb\n${group}\n@@@tmpfiles\n`;
function fileOutput(path: string, stat: string | null, content = ""): string {
  return `@@file ${path}\n${stat === null ? "absent" : `${stat}\n${Buffer.from(content).toString("base64")}`}\n`;
}
function ctx(host: FakeHost): { ctx: TaskContext; state: RunState } {
  const state: RunState = { notified: new Set(), written: [], secrets: new Set(), facts: new Map() };
  return { ctx: { host, inv: INV, check: false, state, log: () => undefined }, state };
}
const READ_CALL = { argv: ["sh", "-c", "<readFiles>", "read", JVB_CONF], sudo: true };

describe("videobridge gather (FakeHost)", () => {
  it("keeps the password already in our block, and reads jvb's group", async () => {
    const host = new Fake({
      commands: [
        { ...READ_CALL, result: { stdout: fileOutput(JVB_CONF, "root jitsi 640", MANAGED) } },
        { ...OWNERSHIP_CALL, result: { stdout: ownershipOutput("jitsi") } },
      ],
    });
    const { ctx: c, state } = ctx(host);
    const f = await videobridge.gather(c);
    host.assertDone();
    expect(f).toMatchObject({ ownership: { owner: "root", group: "jitsi", mode: 0o640 }, password: PW, generated: false, others: [], file: { owner: "root", group: "jitsi", mode: 0o640, content: MANAGED } });
    expect(state.facts.get(JVB_PASSWORD)).toBe(PW);
    expect(state.facts.get(JVB_PASSWORD_NEW)).toBe(false);
    expect(state.secrets.has(PW)).toBe(true);
    expect(videobridge.plan(INV, f).changes).toEqual([]);
  });

  it("generates a fresh password for the package's file, marks it new and secret", async () => {
    const host = new Fake({
      commands: [
        { ...READ_CALL, result: { stdout: fileOutput(JVB_CONF, "root root 600", PACKAGE_CONF) } },
        { ...OWNERSHIP_CALL, result: { stdout: ownershipOutput("jvb") } },
      ],
    });
    const { ctx: c, state } = ctx(host);
    const f = await videobridge.gather(c);
    host.assertDone();
    expect(f.generated).toBe(true);
    expect(f.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(state.facts.get(JVB_PASSWORD)).toBe(f.password);
    expect(state.facts.get(JVB_PASSWORD_NEW)).toBe(true);
    expect(state.secrets.has(f.password)).toBe(true);
    const [change] = videobridge.plan(INV, f).changes as FileChange[];
    expect(readJvb(change!.content).password).toBe(f.password);
  });

  it("a missing jvb.conf and a missing jvb user reach the plan, which names the fix", async () => {
    const host = new Fake({
      commands: [
        { ...READ_CALL, result: { stdout: fileOutput(JVB_CONF, null) } },
        { ...OWNERSHIP_CALL, result: { stdout: "@@jitsi-videobridge\n\n-\n@@@tmpfiles\n" } },
      ],
    });
    const f = await videobridge.gather(ctx(host).ctx);
    host.assertDone();
    expect(f).toMatchObject({ file: null, ownership: { group: null }, generated: true });
    expect(() => videobridge.plan(INV, f)).toThrow(/jvb\.conf does not exist/);
  });

  it("refuses a jvb.conf that is not HOCON, without echoing it", async () => {
    const host = new Fake({
      commands: [
        { ...READ_CALL, result: { stdout: fileOutput(JVB_CONF, "root jvb 640", 'videobridge { PASSWORD = "s3cr3t-FAKE\n') } },
        { ...OWNERSHIP_CALL, result: { stdout: ownershipOutput("jvb") } },
      ],
    });
    const err = await videobridge.gather(ctx(host).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).format()).toMatch(/jvb\.conf is not valid HOCON: .*line 1/);
    expect((err as HostError).format()).toMatch(/Fix: repair/);
    expect((err as HostError).format()).not.toContain("s3cr3t");
  });
});

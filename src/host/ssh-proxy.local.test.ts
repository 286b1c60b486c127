// ProxyJump against two real sshds (a bastion and a target; needs root), and output streamed while a command runs.
import { appendFileSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostError, ProvisionError } from "../errors.js";
import type { Inventory } from "../inventory-types.js";
import { connectSsh } from "./ssh.js";
import { startTestSshd, type TestSshd } from "../../test/support/host/test-sshd.js";

const isRoot = process.getuid?.() === 0;

let bastion: TestSshd;
let target: TestSshd;
let dir: string;
let n = 0;

const accepted = (s: TestSshd) => (s.log().match(/Accepted publickey/g) ?? []).length;
const line = (s: TestSshd) => `[${s.address}]:${s.port} ${s.hostPublicKey()}\n`;

/** A fresh known_hosts file holding the given servers' keys. */
function knownHosts(...servers: TestSshd[]): string {
  const f = join(dir, `known_hosts.${++n}`);
  writeFileSync(f, servers.map(line).join(""));
  return f;
}

function settings(known: string, over: Partial<Inventory["ssh"]> = {}): Inventory["ssh"] {
  return {
    host: target.address,
    port: target.port,
    user: "root",
    key: target.clientKey,
    knownHosts: known,
    connectTimeoutMs: 5000,
    commandTimeoutMs: 20000,
    jump: [{ host: bastion.address, port: bastion.port, user: "root", key: bastion.clientKey }],
    ...over,
  };
}

async function caught(p: Promise<unknown>): Promise<HostError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ProvisionError);
    return e as HostError;
  }
  throw new Error("expected a rejection");
}

describe.skipIf(!isRoot)("ProxyJump through a bastion sshd", { timeout: 30_000 }, () => {
  beforeAll(async () => {
    bastion = await startTestSshd(["root"], "Match User root\n  AllowTcpForwarding yes\n");
    target = await startTestSshd(["root"]);
    dir = join(bastion.dir, "client");
    mkdirSync(dir, { mode: 0o700 });
  }, 30_000);
  afterAll(async () => {
    await bastion?.stop();
    await target?.stop();
  });

  it("runs commands on the target through the bastion, both host keys known; close ends both connections", async () => {
    const [b0, t0] = [accepted(bastion), accepted(target)];
    const host = await connectSsh("behind", settings(knownHosts(bastion, target)));
    expect((await host.check(["sh", "-c", "echo $SSH_CONNECTION"])).stdout).toMatch(new RegExp(` ${target.port}\\n$`));
    const [a, b] = await Promise.all([host.check(["echo", "a"]), host.check(["echo", "b"])]);
    expect(a.stdout + b.stdout).toBe("a\nb\n");
    await host.close();
    expect([accepted(bastion) - b0, accepted(target) - t0]).toEqual([1, 1]);
  });

  it("refuses an unknown bastion key before logging in anywhere; accept-new records the bastion's and the target's", async () => {
    const [b0, t0] = [accepted(bastion), accepted(target)];
    const known = knownHosts(target);
    const e = await caught(connectSsh("behind", settings(known)));
    expect(e.message).toBe(`unknown SSH host key for jump host ${bastion.address}:${bastion.port}: ED25519 key ${e.message.split(" ").pop()}`);
    expect(e.fix).toContain("--accept-new-host-key");
    const both = knownHosts();
    const notices: string[] = [];
    const host = await connectSsh("behind", settings(both), { acceptNewHostKey: true, notice: (m) => notices.push(m) });
    await host.close();
    expect(readFileSync(both, "utf8")).toBe(line(bastion) + line(target));
    expect(notices).toHaveLength(2);
    expect([accepted(bastion) - b0, accepted(target) - t0]).toEqual([1, 1]); // only the accepted run logged in
  });

  it("refuses an unknown target key behind a known bastion (the target is checked under its own name)", async () => {
    const t0 = accepted(target);
    const e = await caught(connectSsh("behind", settings(knownHosts(bastion))));
    expect(e.message).toContain(`unknown SSH host key for ${target.address}:${target.port}`);
    expect(e.message).not.toContain("jump host");
    expect(accepted(target)).toBe(t0);
  });

  it("refuses the target's key when only recorded under the bastion's name (a key is not trusted for another host)", async () => {
    const f = knownHosts(bastion);
    appendFileSync(f, `[${bastion.address}]:${bastion.port} ${target.hostPublicKey()}\n`);
    const e = await caught(connectSsh("behind", settings(f)));
    expect(e.message).toContain(`unknown SSH host key for ${target.address}:${target.port}`);
  });

  it("a bastion that cannot reach the target, or rejects the login, says so and which setting to check", async () => {
    const closed = await caught(connectSsh("behind", settings(knownHosts(bastion, target), { port: 1 })));
    expect(closed.message).toBe(`nothing accepts connections at ${target.address}:1 as seen from the jump host ${bastion.address}:${bastion.port}`);
    const login = await caught(connectSsh("behind", settings(knownHosts(bastion, target), { jump: [{ host: bastion.address, port: bastion.port, user: "nobody", key: bastion.clientKey }] })));
    expect(login.message).toBe(`SSH login as nobody on jump host ${bastion.address}:${bastion.port} was rejected (tried key ${bastion.clientKey})`);
    expect(login.fix).toContain("SSH_PROXY_JUMP");
  });

  it("refuses a changed bastion key even with accept-new, and nothing runs on the target", async () => {
    const known = knownHosts(bastion, target);
    await bastion.regenerateHostKey();
    const t0 = accepted(target);
    const e = await caught(connectSsh("behind", settings(known), { acceptNewHostKey: true, notice: () => {} }));
    expect(e.message).toBe(`WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for jump host ${bastion.address}:${bastion.port}! No command was run.`);
    expect(accepted(target)).toBe(t0);
    expect(readFileSync(known, "utf8")).not.toContain(bastion.hostPublicKey());
  });

  it("onOutput sees a command's output while it still runs (the -v stream)", async () => {
    const host = await connectSsh("direct", { ...settings(knownHosts(target)), jump: [] });
    try {
      const seen: { text: string; at: number }[] = [];
      const started = Date.now();
      const r = await host.check(["sh", "-c", "echo first; echo warn >&2; sleep 1.5; echo last"], { onOutput: (text) => seen.push({ text, at: Date.now() - started }) });
      const ended = Date.now() - started;
      expect(r.stdout).toBe("first\nlast\n");
      expect(seen.map((s) => s.text).join("")).toMatch(/first\n(warn\n)?.*last\n|first\nwarn\nlast\n/s);
      expect(seen.find((s) => s.text.includes("first"))!.at).toBeLessThan(ended - 1000);
    } finally {
      await host.close();
    }
  });
});

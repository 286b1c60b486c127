// The piped output of a run on several hosts: every progress line names its host, a failure is printed
// once, secrets stay masked, and a one-line-per-host recap ends the run (runner → plain sink → finish, in-process).
import { afterEach, describe, expect, it, vi } from "vitest";
import { finish } from "./cli-shared.js";
import { progressOptions } from "./cli-run.js";
import { HostError } from "./errors.js";
import type { Host } from "./host/host.js";
import type { Inventory } from "./inventory-types.js";
import { runHosts } from "./runner.js";
import type { Task } from "./task.js";

const SECRET = "cli-output-FAKE-secret-0123456789abcdef";

function inv(name: string): Inventory {
  return {
    name,
    role: "main",
    bridge: { nickname: "jvb-test", xmppServer: "127.0.0.1" },
    bridges: [],
    ssh: { host: name, port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
    jitsi: { domain: `${name}.example.org`, guestDomain: `guest.${name}.example.org`, prosodyAddress: "127.0.0.1", pluginDir: "/usr/lib/jitsi-meet-prosody" },
    jwt: { appId: "app", appSecret: SECRET, audience: "jitsi" },
    tls: { mode: "self-signed" },
  };
}

/** A host that answers every command with exit 0 and no output (the lock is taken and released; no task reads it). */
function quietHost(name: string): Host {
  return {
    name,
    run: async () => ({ code: 0, stdout: "", stderr: "" }),
    close: async () => undefined,
  } as unknown as Host;
}

const TASKS: Task<string>[] = [
  {
    name: "first",
    title: "first task",
    facts: () => ({}) as never,
    // Applying a command shows its summary in the progress (masked).
    plan: (i) => ({ changes: [{ kind: "command", summary: `reading with ${i.jwt.appSecret}`, argv: ["true"] }] }),
  },
  {
    name: "check",
    title: "the check that fails on one host",
    facts: () => ({}) as never,
    plan(i) {
      if (i.name === "meet-b.example.org")
        throw new HostError("verification failed: guest waits", { where: i.name, lines: ["PASS  a  token opens a room", "FAIL  b  guest waits  joined without waiting (UNIQUE-FAILURE-7)"] });
      return { changes: [], reason: "2/2 checks passed" };
    },
  },
];

async function pipedRun(names: string[]): Promise<{ code: number; progress: string; end: string }> {
  let progress = "";
  const reports = await runHosts(names.map(inv), TASKS as Task[], async (i) => quietHost(i.name), {
    check: false,
    diff: false,
    parallel: 3,
    lockTimeoutMs: 1000,
    ...progressOptions(names, false, (t) => (progress += t)),
  });
  let end = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((end += String(c)), true));
  try {
    return { code: finish(reports, false), progress, end };
  } finally {
    out.mockRestore();
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe("piped output of several hosts", () => {
  const names = ["meet-a.example.org", "meet-b.example.org", "c"];

  it("every progress line starts with its host, aligned", async () => {
    const { progress, end } = await pipedRun(names);
    if (process.env.SHOW_OUTPUT) console.log(progress + end);
    const lines = progress.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(9);
    for (const l of lines) expect(l).toMatch(/^\[(meet-a\.example\.org|meet-b\.example\.org|c)\] +\S/);
    expect(lines).toContain("[c]                  connecting");
    expect(lines.some((l) => /^\[meet-a\.example\.org\] first: changed \(\d+ ms\)$/.test(l))).toBe(true);
    expect(lines.filter((l) => l.includes("failed"))).toEqual([expect.stringMatching(/^\[meet-b\.example\.org\] check: failed \(\d+ ms\); the error is in the summary below$/)]);
  });

  it("the failure is printed once, secrets nowhere, and the recap ends the run", async () => {
    const { code, progress, end } = await pipedRun(names);
    expect(code).toBe(1);
    const all = progress + end;
    expect(all.split("UNIQUE-FAILURE-7").length - 1).toBe(1);
    expect(all.split("verification failed: guest waits").length - 1).toBe(1);
    expect(all).not.toContain(SECRET);
    expect(progress).toContain("[meet-a.example.org] first: reading with ********");
    const recap = end.slice(end.lastIndexOf("Recap:"));
    expect(recap.trimEnd().split("\n")).toEqual([
      "Recap:",
      expect.stringMatching(/^  host +result +changes +restarts +verification +duration$/),
      expect.stringMatching(/^  meet-a\.example\.org +changed +1 +0 +- +\d+ ms$/),
      expect.stringMatching(/^  meet-b\.example\.org +failed +1 +0 +- +\d+ ms +failed at check$/),
      expect.stringMatching(/^  c +changed +1 +0 +- +\d+ ms$/),
    ]);
    expect(end.endsWith(`${recap.trimEnd()}\n`)).toBe(true);
  });

  it("on a terminal, listr2 draws the progress and nothing goes to the plain sink", () => {
    expect(progressOptions(names, true, () => undefined)).toEqual({ renderer: "default" });
    const plain = progressOptions(names, false, () => undefined);
    expect(plain.renderer).toBe("silent");
    expect(typeof plain.log).toBe("function");
  });
});

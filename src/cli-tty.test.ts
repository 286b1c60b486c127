// On a terminal: the host's title ticks its step and elapsed time, and a line that waits (a restart) says
// for how long instead of staying stale. listr2 draws the default renderer only on a TTY; here (no TTY) it falls back
// to its simple renderer, which prints every title and output update, so the ticks can be read.
import { describe, expect, it, vi } from "vitest";
import type { Host } from "./host/host.js";
import type { Inventory } from "./inventory-types.js";
import { runHosts } from "./runner.js";
import type { Task } from "./task.js";

const inv = {
  name: "meet.example.org",
  role: "main",
  bridge: { nickname: "meet", xmppServer: "127.0.0.1" },
  bridges: [],
  ssh: { host: "h", port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
  jitsi: { domain: "meet.example.org", guestDomain: "guest.meet.example.org", prosodyAddress: "127.0.0.1", pluginDir: "/p" },
  jwt: { appId: "app", appSecret: "tty-test-FAKE-secret-0123456789abcdef", audience: "jitsi" },
  tls: { mode: "self-signed" },
} as Inventory;

// `restart-jicofo` takes 3.4 s; everything else answers at once.
const quietHost = {
  name: "meet.example.org",
  run: async (argv: string[]) => {
    if (argv[0] === "restart-jicofo") await new Promise((r) => setTimeout(r, 3400));
    return { code: 0, stdout: "", stderr: "" };
  },
  close: async () => undefined,
} as unknown as Host;

const tasks: Task<null>[] = [
  { name: "first", title: "first", facts: () => ({}) as never, plan: () => ({ changes: [], reason: "ok" }) },
  {
    name: "jicofo",
    title: "a long remote command",
    facts: () => ({}) as never,
    plan: () => ({ changes: [{ kind: "command", summary: "restart jicofo", argv: ["restart-jicofo"] }] }),
  },
];

describe("progress on a terminal", () => {
  it("ticks [step/steps] task · elapsed each second, and the waiting line says how long", async () => {
    let out = "";
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
    try {
      await runHosts([inv], tasks as Task[], async () => quietHost, { check: false, diff: false, parallel: 1, lockTimeoutMs: 1000, renderer: "default" });
    } finally {
      spy.mockRestore();
    }
    const lines = out.split("\n");
    // The last title: the host's step of the selected tasks, and its elapsed time.
    // (Timer-driven: on a loaded machine the ticks slip, so the figures are matched by shape, not exact value.)
    expect(out).toMatch(/meet\.example\.org \[2\/2\] jicofo · 0:\d\d\n/);
    // The line a long command left is not stale: after 3 s it says how long it has waited, and each update is new.
    expect(lines.some((l) => /^› jicofo: restart jicofo… \((?:[3-9]|\d\d)\.\d s\)$/.test(l)), out).toBe(true);
    expect(lines.filter((l) => l === "› jicofo: restart jicofo…")).toHaveLength(1);
  }, 20_000);
});

import { describe, expect, it } from "vitest";
import { applyChange, fileDiff, rollback } from "./apply.js";
import { HostError } from "./errors.js";
import { ANY_ARGS, FakeHost } from "../test/support/host/fake-host.js";
import { newRunState, type FileChange, type RunState, type TaskContext } from "./task.js";
import { testInventory } from "../test/support/tasks/harness.js";

const PATH = "/etc/webapps/jitsi-meet/config.js";
const OLD = "var config = { hosts: { domain: 'old' } };\n";
const NEW = `var config = { hosts: { domain: 'new' } };\n${"// padding\n".repeat(600_000)}`;

function state(): RunState {
  return newRunState();
}

function ctx(host: FakeHost, s: RunState): TaskContext {
  return { host, inv: testInventory(), check: false, state: s, log: () => undefined };
}

/** The fake, with the backup step matched by its label (its script and arguments are apply.ts's business). */
function fake(cut?: number, prepared = ""): FakeHost {
  const h = new FakeHost({
    name: "h",
    files: { [PATH]: OLD },
    cutUploads: cut === undefined ? {} : { [PATH]: cut },
    commands: [{ argv: ["<prepare>", PATH, ANY_ARGS], sudo: true, result: { stdout: prepared } }],
  });
  return h;
}

describe("applyChange: files", () => {
  const change: FileChange = { kind: "file", path: PATH, content: NEW, previous: OLD, owner: "root", group: "root", mode: 0o644, notify: ["nginx"] };

  it("installs a complete upload and notifies its units", async () => {
    const h = fake();
    const s = state();
    await applyChange(ctx(h, s), change, "stamp");
    h.assertDone();
    expect(await h.readFile(PATH)).toBe(NEW);
    expect([...s.notified]).toEqual(["nginx"]);
  });

  // Regression: restored files came back with the new owner and mode.
  it("records the file's previous owner, group and mode for a rollback, not the new ones", async () => {
    const h = fake(undefined, "@@stat http http 600\n");
    const s = state();
    await applyChange(ctx(h, s), change, "stamp");
    expect(s.written).toEqual([{ path: PATH, previous: OLD, owner: "http", group: "http", mode: 0o600 }]);
    await rollback(h, s);
    expect(h.writes.at(-1)).toEqual({ path: PATH, content: OLD, owner: "http", group: "http", mode: 0o600 });
  });

  // Regression (docs/failure-modes.md #22): a 6 MB config.js cut to 294,912 bytes used to be installed.
  it("never installs an upload cut off mid-way: the old file stays and the error says why", async () => {
    const h = fake(294_912);
    const s = state();
    const err = await applyChange(ctx(h, s), change, "stamp").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).message).toBe(`the upload of ${PATH} arrived incomplete or altered, so it was not installed; the old file is untouched`);
    expect((err as HostError).lines.join("\n")).toMatch(/received 294\d{3} of \d+ bytes/);
    expect(await h.readFile(PATH)).toBe(OLD);
    expect(h.writes).toEqual([]);
    expect(s.notified.size).toBe(0);
  });
});

describe("fileDiff (--diff)", () => {
  // Regression: after a secret rotation, --check --diff showed the old app_secret (still the live signing key) in clear.
  it("shows neither the old nor the new app_secret after a rotation, though the run knows only the new one", async () => {
    const { renderProsodyConfig } = await import("./render/prosody.js");
    const OLD_SECRET = "OLD-distinctive-s3cret-7f3a9c21e8b4d05a6c";
    const NEW_SECRET = "NEW-distinctive-s3cret-c2d8e1f0a9b7365412";
    const p = { domain: "meet.example.org", guestDomain: "guest.meet.example.org", appId: "app", audience: "jitsi", pluginDir: "/usr/lib/jitsi-meet-prosody", certDir: "/etc/prosody/certs" };
    const path = "/etc/prosody/conf.d/meet.example.org.cfg.lua";
    const change: FileChange = { kind: "file", path, previous: renderProsodyConfig({ ...p, appSecret: OLD_SECRET }), content: renderProsodyConfig({ ...p, appSecret: NEW_SECRET }), owner: "root", group: "prosody", mode: 0o640, notify: [] };
    const diff = fileDiff(change, [NEW_SECRET]);
    for (const s of [OLD_SECRET, NEW_SECRET, "distinctive"]) expect(diff).not.toContain(s);
    // The line still shows as changed, masked on both sides.
    expect(diff).toContain('-    app_secret = "******** (old)"');
    expect(diff).toContain('+    app_secret = "******** (new)"');
  });
});

// Secrets never shown: with a distinctive JWT_APP_SECRET from the environment, rotated between two runs, neither the
// old nor the new secret (raw, hex or base64 at any alignment) appears in any output stream, diff (--check --diff
// before the rotation), report, error, backup file name, the host's command log, or any process argument list on
// either machine, sampled every 50 ms during the runs (ps -eo args here and inside the host).
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { provision, readReport, type CliResult } from "./helpers.js";

const NAME = "sec-a";
const OLD = `OldSecret-${randomBytes(12).toString("hex")}-zq9`;
const NEW = `NewSecret-${randomBytes(12).toString("hex")}-xk7`;
const tmp = mkdtempSync(join(tmpdir(), "provision-secrets-"));
let h: SandboxHost;

/** The ways a secret could show: as is, hex, and base64 at each of the three alignments (edges trimmed). */
function forms(secret: string): string[] {
  const b64 = [0, 1, 2].map((k) => {
    const s = Buffer.from("x".repeat(k) + secret).toString("base64");
    return s.slice(k ? 4 : 0, -4);
  });
  return [secret, Buffer.from(secret).toString("hex"), ...b64];
}
const FORMS = [...forms(OLD), ...forms(NEW)];

/** Every form of either secret found in `text`, named by `where`. */
function leaks(where: string, text: string): string[] {
  return FORMS.filter((f) => text.includes(f)).map((f) => `${where}: ${f.slice(0, 16)}…`);
}

/** Samples `ps -eo args` every 50 ms on this machine and inside the host while `during` runs; returns both logs. */
async function sampled<T>(during: () => Promise<T>): Promise<{ result: T; here: string; there: string }> {
  const id = `${Date.now()}`;
  const stop = join(tmp, `stop-${id}`);
  const hereLog = join(tmp, `ps-here-${id}`);
  const loop = (stopFile: string) => `while [ ! -e ${stopFile} ]; do ps -eo args; echo @@sample; sleep 0.05; done`;
  const here = spawn("bash", ["--norc", "-c", `${loop(stop)} > ${hereLog}`], { stdio: "ignore" });
  const hereDone = new Promise((r) => here.on("close", r));
  // Inside the host (its /tmp is <state dir>/tmp on this machine).
  await h.exec(`rm -f /tmp/ps-stop /tmp/ps-there`);
  const there = h.exec(`${loop("/tmp/ps-stop")} > /tmp/ps-there`, { timeoutMs: 600_000 });
  let result: T;
  try {
    result = await during();
  } finally {
    writeFileSync(stop, "");
    await h.exec(": > /tmp/ps-stop");
    await Promise.all([hereDone, there]);
  }
  return { result, here: readFileSync(hereLog, "utf8"), there: readFileSync(join(h.dir, "tmp", "ps-there"), "utf8") };
}

beforeAll(async () => {
  h = await upHost(NAME, { state: "jitsi-installed" });
}, 120_000);
afterAll(async () => {
  await h?.down();
});

describe("secrets never shown, old or new, on either machine", () => {
  const seen: { where: string; text: string }[] = [];
  const record = (what: string, r: CliResult) => {
    seen.push({ where: `${what} stdout`, text: r.stdout }, { where: `${what} stderr`, text: r.stderr });
  };

  it("a first run, a --check --diff of the rotation, the rotation, and a failing run with the old secret", async () => {
    const samples: { here: string; there: string }[] = [];
    const runSampled = async (what: string, args: string[], secret: string) => {
      const s = await sampled(() => provision(args, { JWT_APP_SECRET: secret }));
      record(what, s.result);
      samples.push({ here: s.here, there: s.there });
      return s.result;
    };

    const r1 = join(tmp, "first.json");
    const first = await runSampled("first run", ["--host", NAME, "--report", r1], OLD);
    expect(first.code, first.all).toBe(0);
    seen.push({ where: "first report", text: readFileSync(r1, "utf8") });

    // The rotation planned: the diff shows the secret changing, masked on both sides.
    const diff = await runSampled("--check --diff", ["--host", NAME, "--check", "--diff"], NEW);
    expect(diff.code, diff.all).toBe(0);
    expect(diff.stdout).toMatch(/^-\s+app_secret = "\*{8} \(old\)"/m);
    expect(diff.stdout).toMatch(/^\+\s+app_secret = "\*{8} \(new\)"/m);

    const r2 = join(tmp, "rotation.json");
    const rotation = await runSampled("rotation run", ["--host", NAME, "--report", r2], NEW);
    expect(rotation.code, rotation.all).toBe(0);
    expect(readReport(r2)[0]!.restarts).toContain("prosody");
    seen.push({ where: "rotation report", text: readFileSync(r2, "utf8") });

    // An error: verifying with the old secret fails (tokens signed with it are refused); its messages hold neither.
    const r3 = join(tmp, "failing.json");
    const failing = await runSampled("failing verify", ["verify", "--host", NAME, "--report", r3], OLD);
    expect(failing.code, failing.all).toBe(1);
    seen.push({ where: "failing report", text: readFileSync(r3, "utf8") });
    const failed = readReport(r3)[0]!;
    expect(failed.ok).toBe(false);
    expect(failed.verification!.filter((c) => !c.ok).map((c) => c.detail).join("\n")).toMatch(/Invalid signature/);

    // Backups of the Prosody include (which holds the secret) are kept, root-only, under names without it.
    const backups = await h.exec("stat -c '%a %U' /var/backups/provision; ls -1 /var/backups/provision");
    const [dirMode, ...names] = backups.stdout.trim().split("\n");
    expect(dirMode).toBe("700 root");
    expect(names.some((n) => n.includes("cfg.lua"))).toBe(true);
    seen.push({ where: "backup names", text: names.join("\n") });
    seen.push({ where: "host command log", text: (await h.exec("cat /var/log/sandbox/commands.log")).stdout });

    // The samplers really ran during the runs: they saw the CLI here and its SSH session there (and, in the two
    // full runs, the commands it ran through sudo).
    for (const [i, s] of samples.entries()) {
      expect(s.here, `sample ${i}`).toContain("dist/src/cli.js");
      expect(s.there, `sample ${i}`).toMatch(/sshd: arch/);
      seen.push({ where: `ps here, run ${i}`, text: s.here }, { where: `ps in the host, run ${i}`, text: s.there });
    }
    for (const i of [0, 2]) expect(samples[i]!.there, `sample ${i}`).toMatch(/^sudo -n /m);
    // The search finds what it looks for (a secret inside base64 of a file, at any offset), and finds nothing.
    for (const pad of ["", "a", "ab"]) expect(leaks("control", Buffer.from(`${pad}app_secret = "${NEW}"\n`).toString("base64"))).not.toEqual([]);
    expect(samples.every((x) => x.here.split("@@sample").length > 5 && x.there.split("@@sample").length > 5)).toBe(true);
    expect(seen.flatMap((s) => leaks(s.where, s.text))).toEqual([]);
  }, 300_000);
});

// The piped output of one run on three sandbox hosts, one of which fails its verification: every progress
// line says its host, the failure is printed once, and a one-line-per-host recap ends the run.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { provision, readReport, type CliResult, type Report } from "./helpers.js";

const NAMES = ["out-a", "out-b", "out-c"];
const tmp = mkdtempSync(join(tmpdir(), "provision-output-"));
const hosts: SandboxHost[] = [];
let run: CliResult;
let reports: Report[];

// A jicofo that starts (its pid file names a live process) but never joins Prosody: the files provision manages are
// all right, the unit is active, and only the verification can tell that no focus answers.
const SILENT_JICOFO = `import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
const pidfile = process.argv[process.argv.indexOf("--pidfile") + 1];
const child = spawn("sleep", ["infinity"], { detached: true, stdio: "ignore" });
child.unref();
writeFileSync(pidfile, String(child.pid));
`;

beforeAll(async () => {
  hosts.push(...(await Promise.all(NAMES.map((n) => upHost(n, { state: "jitsi-installed" })))));
  const c = hosts[2]!;
  const put = await c.exec(`cat > /usr/lib/jicofo/jicofo.mjs <<'EOF_JS'\n${SILENT_JICOFO}EOF_JS`);
  expect(put.code, put.stderr).toBe(0);
  const report = join(tmp, "report.json");
  run = await provision([...NAMES.flatMap((n) => ["--host", n]), "--parallel", "3", "--report", report]);
  reports = readReport(report);
  writeFileSync(join(tmp, "output.txt"), run.all);
  if (process.env.SHOW_OUTPUT) process.stderr.write(`${run.stdout}\n--- stderr ---\n${run.stderr}\n`);
}, 900_000);
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.down()));
});

describe("a piped run on three hosts", () => {
  it("two hosts pass, the one without a working focus fails, exit 1", () => {
    expect(run.code, run.all).toBe(1);
    expect(reports.map((r) => [r.host, r.ok])).toEqual([
      ["out-a", true],
      ["out-b", true],
      ["out-c", false],
    ]);
  });

  it("every progress line starts with its host", () => {
    const progress = run.stdout.split("\n\n")[0]!.split("\n");
    expect(progress.length).toBeGreaterThan(3 * 10);
    for (const line of progress) expect(line).toMatch(/^\[out-[abc]\] \S/);
    for (const n of NAMES) expect(progress).toContain(`[${n}] connecting`);
    expect(progress.some((l) => /^\[out-c\] \w+: failed \(.+\); the error is in the summary below$/.test(l))).toBe(true);
  });

  it("the failure is printed once", () => {
    const failed = reports[2]!.tasks.find((t) => t.status === "failed")!;
    const [first, ...rest] = failed.detail.split("\n");
    const count = (text: string) => run.all.split(text).length - 1;
    expect(count(first!), run.all).toBe(1);
    // A failed check's line (the verification table is part of the error, and not printed again as a table).
    for (const line of rest.filter((l) => /FAIL/.test(l))) expect(count(line.trim()), run.all).toBe(1);
    expect(run.stdout).not.toMatch(/^out-c: verification$/m);
  });

  it("a recap line per host ends the run", () => {
    const recap = run.stdout.slice(run.stdout.lastIndexOf("Recap:")).trimEnd().split("\n");
    expect(recap[0]).toBe("Recap:");
    expect(recap[1]).toMatch(/^  host +result +changes +restarts +verification +duration$/);
    expect(recap.slice(2)).toEqual([
      expect.stringMatching(/^  out-a +changed +[1-9]\d* +[1-9]\d* +(\d+)\/\1 +\d.*(s|min)$/),
      expect.stringMatching(/^  out-b +changed +[1-9]\d* +[1-9]\d* +(\d+)\/\1 +\d.*(s|min)$/),
      expect.stringMatching(/^  out-c +failed +\d+ +\d+ +\S+ +\d.*(s|min) +failed at \w+$/),
    ]);
    // Durations read as a person reads them, never as thousands of milliseconds.
    expect(run.all).not.toMatch(/\d{4,} ms/);
  });
});

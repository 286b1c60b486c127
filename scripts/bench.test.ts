// Unit tests of the benchmark's pure helpers (the benchmark itself runs with `npm run bench`, never under vitest).
import { describe, expect, it } from "vitest";
import { label, parseOptions, stats, taskTimings, type CliRun } from "./bench.js";

describe("bench helpers", () => {
  it("stats: median of odd and even counts, min, max", () => {
    expect(stats([5, 1, 3])).toMatchObject({ median: 3, min: 1, max: 5 });
    expect(stats([4, 1, 3, 2])).toMatchObject({ median: 2.5, min: 1, max: 4 });
  });

  it("label: names sh -c scripts by their $0 and keeps inline scripts on one short line", () => {
    expect(label(["sh", "-c", "long\nscript", "units", "prosody", "jicofo"])).toBe("sh:units prosody jicofo");
    expect(label(["systemctl", "is-active", "prosody"])).toBe("systemctl is-active prosody");
    const l = label(["sh", "-c", "x", "gather", `for i = 1, #arg do\n  local ok = pcall(require, arg[i])\nend ${"x".repeat(50)}`]);
    expect(l).not.toContain("\n");
    expect(l.length).toBeLessThan(60);
  });

  it("taskTimings: from the CLI's progress lines when the report has no durations", () => {
    const run: CliRun = {
      ms: 1,
      stdout: "❯ h\n› connecting\n› preflight: unchanged (74 ms)\n› restart: changed (1847 ms)\n› running checks\n",
      reports: [{ host: "h", ok: true, changes: 0, restarts: [], tasks: [{ name: "preflight", status: "unchanged", detail: "", changes: [] }] }],
    };
    const t = taskTimings(run);
    expect(t.source).toMatch(/progress lines/);
    expect(t.tasks).toEqual([
      { task: "preflight", status: "unchanged", ms: 74 },
      { task: "restart", status: "changed", ms: 1847 },
    ]);
  });

  it("taskTimings: prefers durations in the report", () => {
    const task = { name: "prosody", status: "unchanged" as const, detail: "", changes: [], durationMs: 12 };
    const t = taskTimings({ ms: 1, stdout: "› prosody: unchanged (99 ms)", reports: [{ host: "h", ok: true, changes: 0, restarts: [], tasks: [task] }] });
    expect(t).toEqual({ source: "report", tasks: [{ task: "prosody", status: "unchanged", ms: 12 }] });
  });

  it("parseOptions: defaults, overrides and refusals", () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({ hosts: 5, state: "jitsi-installed", runs: 5, targets: { noopS: 8, noopNoVerifyS: 5, parallelRatio: 2.5, sshCommands: 30 } });
    expect(parseOptions(["--hosts", "2", "--state", "fresh", "--max-noop", "9.5"])).toMatchObject({ hosts: 2, state: "fresh", targets: { noopS: 9.5 } });
    expect(() => parseOptions(["--hosts", "0"])).toThrow(/--hosts/);
    expect(() => parseOptions(["--state", "weird"])).toThrow(/--state/);
    expect(() => parseOptions(["--bogus"])).toThrow();
  });
});

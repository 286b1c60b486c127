import { describe, expect, it } from "vitest";
import type { EndReport } from "./end.js";
import { formatRecap, hostResult, verificationText } from "./recap.js";

const checks = (passed: number, total: number) => Array.from({ length: total }, (_, i) => ({ id: String(i), ok: i < passed }));
const base = { changes: 0, restarts: [], tasks: [] };

describe("recap", () => {
  it("one aligned line per host: result, changes, restarts, verification x/y, duration, where it failed", () => {
    const reports: EndReport[] = [
      { ...base, host: "meet.example.org", ok: true, verification: checks(8, 8), durationMs: 4_210 },
      { ...base, host: "b", ok: true, changes: 3, restarts: ["jicofo"], verification: checks(8, 8), durationMs: 105_468 },
      { ...base, host: "c", ok: false, tasks: [{ name: "verify", status: "failed", detail: "x" }], verification: checks(7, 8), durationMs: 12_000 },
      { ...base, host: "d", ok: false, error: "cannot connect to d: refused", tasks: [{ name: "connect", status: "failed", detail: "x" }] },
    ];
    expect(formatRecap(reports, false)).toBe(
      [
        "Recap:",
        "  host              result   changes  restarts  verification  duration",
        "  meet.example.org  ok       0        0         8/8           4.2 s",
        "  b                 changed  3        1         8/8           1 min 45 s",
        "  c                 failed   0        0         7/8           12 s        failed at verify",
        "  d                 failed   0        0         -             -           failed at connect",
      ].join("\n"),
    );
  });

  it("says when --check changed nothing", () => {
    expect(formatRecap([{ ...base, host: "h", ok: true, changes: 2 }], true).split("\n").slice(0, 2)).toEqual([
      "Recap (--check: nothing was changed):",
      "  host  result   would change  restarts  verification  duration",
    ]);
  });

  it("result and verification of one host", () => {
    expect(hostResult({ ...base, host: "h", ok: true })).toBe("ok");
    expect(hostResult({ ...base, host: "h", ok: true, restarts: ["prosody"] })).toBe("changed");
    expect(hostResult({ ...base, host: "h", ok: false, changes: 4 })).toBe("failed");
    expect(verificationText({ ...base, host: "h", ok: true })).toBe("-");
    expect(verificationText({ ...base, host: "h", ok: true, verification: checks(0, 3) })).toBe("0/3");
  });

  it("an interrupted host names the interruption", () => {
    expect(formatRecap([{ ...base, host: "h", ok: false, error: "interrupted (SIGINT): stopped before the first task" }], false)).toMatch(/failed .*interrupted \(SIGINT\)$/m);
  });
});

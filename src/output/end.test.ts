import { describe, expect, it } from "vitest";
import { formatChecks } from "../verify/format.js";
import type { CheckResult } from "../verify/checks.js";
import { formatEnd, verificationBlocks } from "./end.js";

const results = [
  { id: "a", name: "token opens a room", ok: true, detail: "joined" },
  { id: "b", name: "guest waits", ok: false, detail: "joined without waiting" },
] as CheckResult[];

describe("end of a run", () => {
  it("a failed verification's table is printed once: in the failure, not again as a table", () => {
    const table = formatChecks(results);
    // HostError.format() indents its lines.
    const detail = `x: verification failed: guest waits\n${table.replace(/^/gm, "  ")}`;
    const failed = { host: "x", ok: false, changes: 0, restarts: [], verification: results, tasks: [{ name: "verify", status: "failed", detail }] };
    const passed = { host: "y", ok: true, changes: 0, restarts: [], verification: results.slice(0, 1), tasks: [{ name: "verify", status: "unchanged", detail: "1/1 checks passed" }] };
    expect(verificationBlocks([failed, passed])).toEqual([`y: verification\n${formatChecks(results.slice(0, 1))}`]);
    // `provision verify` reports "1/2 checks passed": the table is the only place the failed check shows.
    const verifyOnly = { ...failed, tasks: [{ name: "verify", status: "failed", detail: "1/2 checks passed" }] };
    expect(verificationBlocks([verifyOnly])).toEqual([`x: verification\n${table}`]);
  });

  it("the summary comes before the recap, which ends the output", () => {
    const text = formatEnd([{ host: "h", ok: true, changes: 0, restarts: [], tasks: [], durationMs: 61_000 }], "SUMMARY", false);
    expect(text).toBe("\nSUMMARY\n\nRecap:\n  host  result  changes  restarts  verification  duration\n  h     ok      0        0         -             1 min 1 s\n");
  });
});

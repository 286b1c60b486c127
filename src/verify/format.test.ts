import { describe, expect, it } from "vitest";
import { formatChecks } from "./format.js";

describe("formatChecks", () => {
  it("prints one aligned line per check and a summary", () => {
    const out = formatChecks([
      { id: "a", name: "token-opens-room", ok: true, detail: "joined" },
      { id: "b", name: "guest-cannot-open", ok: false, detail: "guests can create rooms" },
      { id: "c", name: "guest-joins-opened", ok: false, skipped: true, detail: "not run: x" },
    ]);
    expect(out.split("\n")).toEqual([
      "PASS  a  token-opens-room    joined",
      "FAIL  b  guest-cannot-open   guests can create rooms",
      "SKIP  c  guest-joins-opened  not run: x",
      "3 checks: 1 passed, 1 failed, 1 not run",
    ]);
  });
  it("omits the not-run count when everything ran", () => {
    expect(formatChecks([{ id: "d", name: "no-token-refused", ok: true, detail: "x" }]).split("\n").at(-1)).toBe("1 checks: 1 passed, 0 failed");
  });
});

// The freshness, mark and clear scripts run by sh against files in a temporary directory and a scripted
// systemctl (what the real one prints for these queries).
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLEAR_PENDING, FRESHNESS, MARK_PENDING, parseFreshness } from "./service-freshness.js";

const dir = mkdtempSync(join(tmpdir(), "freshness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STARTED = 1_800_000_000;
// is-enabled / is-active print one line per unit (is-enabled nothing for a unit that does not exist, "absent"); show
// prints prosody's start time, nothing for jicofo (never started).
writeFileSync(
  join(dir, "systemctl"),
  `#!/bin/sh
case $1 in
  is-enabled) shift; for u in "$@"; do [ "$u" = absent ] || echo enabled; done ;;
  is-active) shift; for u in "$@"; do [ "$u" = absent ] && echo inactive || echo active; done ;;
  show) for a in "$@"; do u=$a; done; [ "$u" = prosody ] && echo @${STARTED}; [ "$u" = jicofo ] && echo "" ;;
esac`,
);
chmodSync(join(dir, "systemctl"), 0o755);
const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
const sh = (script: string, ...args: string[]) => execFileSync("sh", ["-c", script, "label", ...args], { env, encoding: "utf8" });

describe("service freshness scripts", () => {
  const pending = join(dir, "state", "restart-pending");
  it("mark records each unit once, clear removes one", () => {
    sh(MARK_PENDING, pending, "jicofo", "prosody");
    sh(MARK_PENDING, pending, "jicofo");
    expect(readFileSync(pending, "utf8")).toBe("jicofo\nprosody\n");
    sh(CLEAR_PENDING, pending, "jicofo");
    expect(readFileSync(pending, "utf8")).toBe("prosody\n");
    sh(CLEAR_PENDING, pending, "prosody");
    expect(readFileSync(pending, "utf8")).toBe("");
    sh(CLEAR_PENDING, join(dir, "absent"), "x");
  });
  it("a file newer than the service's start is stale; an older one, an absent one or a never-started unit are not", () => {
    const older = join(dir, "older.cfg");
    const newer = join(dir, "newer.cfg");
    writeFileSync(older, "");
    writeFileSync(newer, "");
    utimesSync(older, STARTED - 10, STARTED - 10);
    utimesSync(newer, STARTED + 5, STARTED + 5);
    writeFileSync(pending, "jicofo\n");
    const out = sh(FRESHNESS, pending, "2", "prosody", "jicofo", "prosody", older, "prosody", newer, "prosody", join(dir, "absent"), "jicofo", newer);
    const f = parseFreshness(out, ["prosody", "jicofo"])!;
    expect(Object.fromEntries(f.stale)).toEqual({ prosody: [newer] });
    expect([...f.pending]).toEqual(["jicofo"]);
    expect(f.states.get("prosody")).toEqual({ enabled: true, active: true });
  });

  it("asks one unit at a time when systemctl skips a unit that does not exist (its package is not installed yet)", () => {
    const out = sh(FRESHNESS, pending, "3", "prosody", "absent", "jicofo");
    const f = parseFreshness(out, ["prosody", "absent", "jicofo"])!;
    expect(Object.fromEntries(f.states)).toEqual({ prosody: { enabled: true, active: true }, absent: { enabled: false, active: false }, jicofo: { enabled: true, active: true } });
  });
});

// Account files written by the real prosodyctl (test/setup.sh installs Prosody; root, to chown the data dir to prosody);
// the pure tests are in prosody-account.test.ts.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAccountFile, passwordMatches, storedAccounts } from "./prosody-account.js";

describe("prosody account files", () => {
  it("matches the password real prosodyctl stored, and only that one", () => {
    const dir = mkdtempSync(join(tmpdir(), "prosody-account-"));
    chmodSync(dir, 0o755); // prosodyctl drops to the prosody user
    mkdirSync(join(dir, "data"));
    execFileSync("chown", ["prosody", join(dir, "data")]);
    writeFileSync(join(dir, "p.cfg.lua"), `data_path = "${dir}/data"\npidfile = "${dir}/p.pid"\nVirtualHost "auth.example.test"\nauthentication = "internal_hashed"\n`);
    const pw = "Hostile'\"$pw-0123 ü";
    execFileSync("prosodyctl", ["--config", join(dir, "p.cfg.lua"), "register", "focus", "auth.example.test"], { input: `${pw}\n${pw}\n`, stdio: ["pipe", "ignore", "ignore"] });
    const rec = parseAccountFile(readFileSync(join(dir, "data/auth%2eexample%2etest/accounts/focus.dat"), "utf8"))!;
    expect(rec).toBeDefined();
    expect(passwordMatches(pw, rec)).toBe(true);
    expect(passwordMatches(`${pw}x`, rec)).toBe(false);
  });

  it("finds a bridge account (jvb-<name>) where real prosodyctl stores it, its name encoded", () => {
    const dir = mkdtempSync(join(tmpdir(), "prosody-account-"));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, "data"));
    execFileSync("chown", ["prosody", join(dir, "data")]);
    writeFileSync(join(dir, "p.cfg.lua"), `data_path = "${dir}/data"\npidfile = "${dir}/p.pid"\nVirtualHost "auth.example.test"\nauthentication = "internal_hashed"\n`);
    execFileSync("prosodyctl", ["--config", join(dir, "p.cfg.lua"), "register", "jvb-b1.x", "auth.example.test"], { input: "pw-FAKE\npw-FAKE\n", stdio: ["pipe", "ignore", "ignore"] });
    const f = storedAccounts("auth.example.test", "focus.example.test", ["jvb-b1.x", "jvb-absent"]);
    const out = execFileSync("sh", ["-c", f.script.replace("prosodyctl about", `prosodyctl --config ${join(dir, "p.cfg.lua")} about`), f.name, ...f.args], { encoding: "utf8" });
    const got = f.parse(out, 0);
    expect([...got.others.keys()]).toEqual(["jvb-b1.x"]);
    expect(got.bridgeAccounts).toEqual(["jvb-b1.x"]);
    expect(passwordMatches("pw-FAKE", parseAccountFile(got.others.get("jvb-b1.x")!)!)).toBe(true);
  });

  it("removes an account offline with prosodyctl unregister (Prosody 13's deluser needs a running server)", () => {
    const dir = mkdtempSync(join(tmpdir(), "prosody-account-"));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, "data"));
    execFileSync("chown", ["prosody", join(dir, "data")]);
    const cfg = join(dir, "p.cfg.lua");
    writeFileSync(cfg, `data_path = "${dir}/data"\npidfile = "${dir}/p.pid"\nVirtualHost "auth.example.test"\nauthentication = "internal_hashed"\n`);
    execFileSync("prosodyctl", ["--config", cfg, "register", "jvb-gone", "auth.example.test"], { input: "pw-FAKE\npw-FAKE\n", stdio: ["pipe", "ignore", "ignore"] });
    const f = storedAccounts("auth.example.test", "focus.example.test");
    const read = () => f.parse(execFileSync("sh", ["-c", f.script.replace("prosodyctl about", `prosodyctl --config ${cfg} about`), f.name, ...f.args], { encoding: "utf8" }), 0);
    expect(read().bridgeAccounts).toEqual(["jvb-gone"]);
    execFileSync("prosodyctl", ["--config", cfg, "unregister", "jvb-gone", "auth.example.test"], { stdio: "ignore" });
    expect(read().bridgeAccounts).toEqual([]);
  });
});

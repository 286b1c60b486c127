import { describe, expect, it } from "vitest";
import { commandLabel, commandLine, lastLines, sudoRefusal, wrapArgv, writeFileArgv, WRITE_SCRIPT } from "./remote-command.js";

describe("wrapArgv / commandLine", () => {
  it("adds sudo -n, -u, env and the host-side timeout in that order", () => {
    expect(wrapArgv(["ls"], {}, "arch")).toEqual(["ls"]);
    expect(wrapArgv(["ls"], { sudo: true }, "arch")).toEqual(["sudo", "-n", "ls"]);
    expect(wrapArgv(["ls"], { sudo: true, user: "prosody" }, "arch")).toEqual(["sudo", "-n", "-u", "prosody", "ls"]);
    expect(wrapArgv(["ls"], { sudo: true, env: { LC_ALL: "C" }, timeoutMs: 1500 }, "arch")).toEqual(["sudo", "-n", "env", "LC_ALL=C", "timeout", "-k", "5", "1.5", "ls"]);
    expect(commandLine(["echo", "a b"], { env: { X: "it's" } }, "arch")).toBe("env 'X=it'\\''s' echo 'a b'");
  });

  it("skips sudo for root acting as root, keeps it for other targets", () => {
    expect(wrapArgv(["ls"], { sudo: true }, "root")).toEqual(["ls"]);
    expect(wrapArgv(["ls"], { sudo: true, user: "root" }, "root")).toEqual(["ls"]);
    expect(wrapArgv(["ls"], { sudo: true, user: "prosody" }, "root")).toEqual(["sudo", "-n", "-u", "prosody", "ls"]);
  });

  it("refuses bad env names, user without sudo, odd user names, empty argv, bad timeouts", () => {
    expect(() => wrapArgv(["ls"], { env: { "A B": "x" } }, "arch")).toThrow(/environment/);
    expect(() => wrapArgv(["ls"], { env: { "A=B": "x" } }, "arch")).toThrow(/environment/);
    expect(() => wrapArgv(["ls"], { user: "prosody" }, "arch")).toThrow(/sudo/);
    expect(() => wrapArgv(["ls"], { sudo: true, user: "-rf" }, "arch")).toThrow(/sudo user/);
    expect(() => wrapArgv([], {}, "arch")).toThrow(/empty/);
    expect(() => wrapArgv(["ls"], { timeoutMs: 0 }, "arch")).toThrow(/timeout/);
  });
});

// Running the write script for real (as root) is in commands.local.test.ts.
describe("writeFileArgv", () => {
  it("validates its inputs", () => {
    expect(() => writeFileArgv("rel/path", { owner: "root", group: "root", mode: 0o644 })).toThrow(/absolute/);
    expect(() => writeFileArgv("/etc/", { owner: "root", group: "root", mode: 0o644 })).toThrow(/directory/);
    expect(() => writeFileArgv("/x", { owner: "root:root", group: "root", mode: 0o644 })).toThrow(/owner/);
    expect(() => writeFileArgv("/x", { owner: "root", group: "a b", mode: 0o644 })).toThrow(/group/);
    expect(() => writeFileArgv("/x", { owner: "root", group: "root", mode: 0o10000 })).toThrow(/mode/);
    expect(writeFileArgv("/x", { owner: "root", group: "root", mode: 0o640 }).slice(-4)).toEqual(["/x", "root", "root", "0640"]);
  });
});

describe("sudoRefusal and lastLines", () => {
  it("recognises sudo asking for a password or refusing the user", () => {
    const e = sudoRefusal("sudo: a password is required\n", "h", "arch", "true");
    expect(e?.message).toContain("sudo asks arch for a password");
    expect(e?.fix).toContain("arch ALL=(ALL:ALL) NOPASSWD: ALL");
    expect(sudoRefusal("arch is not in the sudoers file.  This incident will be reported.\n", "h", "arch", "true")?.message).toContain("may not use sudo");
    expect(sudoRefusal("ls: cannot access 'x': No such file or directory\n", "h", "arch", "ls x")).toBeNull();
  });

  // Regression: the refusal quoted the whole internal lock script (sudo names the command it refused, over many lines).
  it("names an inline script by its label, never its text", () => {
    const script = ["set -eu", "dir=$1 me=$2 stale=$3", "if mkdir -- \"$dir\" 2>/dev/null; then", "  printf '%s\\n' \"$me\" > \"$dir/owner\"", "  exit 0", "fi", "exit 3"].join("\n");
    const label = commandLabel(["sh", "-c", script, "lock", "/run/provision.lock", "me@box:1234", ""]);
    for (const stderr of [
      `sudo: a password is required\n`,
      `Sorry, user arch is not allowed to execute '/bin/sh -c ${script} lock /run/provision.lock me@box:1234 ' as root on meet.\n`,
      `sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n${script}\n`,
    ]) {
      const e = sudoRefusal(stderr, "h", "arch", label);
      expect(e, stderr).not.toBeNull();
      const text = e!.format();
      expect(text).toContain("`lock script /run/provision.lock me@box:1234 `");
      for (const l of script.split("\n").filter((l) => l.length > 6)) expect(text).not.toContain(l);
      expect(e!.lines.every((l) => /^(sudo: |Sorry, user arch is not allowed to execute `lock script)/.test(l))).toBe(true);
    }
  });

  it("keeps the last non-empty lines", () => {
    expect(lastLines("a\n\nb  \nc\n", 2)).toEqual(["b", "c"]);
    expect(lastLines("")).toEqual([]);
  });
});

// Regression: connection-loss and timeout errors printed the whole inline script.
describe("commandLabel", () => {
  it("names an inline script by its label and shows its short arguments, never a script passed as one", () => {
    expect(commandLabel(writeFileArgv("/etc/x.conf", { owner: "root", group: "prosody", mode: 0o640 }))).toBe("write script /etc/x.conf root prosody 0640");
    const lua = "for i = 1, #arg do\n  print(arg[i])\nend";
    expect(commandLabel(["sh", "-c", "set -e\nlong script", "gather", "/usr/lib/jitsi-meet-prosody", lua, "basexx"])).toBe("gather script /usr/lib/jitsi-meet-prosody <3-line text> basexx");
    expect(commandLabel(["sh", "-c", "x", "lock", "a".repeat(300)])).toBe(`lock script ${"a".repeat(77)}…`);
    expect(commandLabel(["sh", "-c", "sleep 1; echo never"])).toBe("sh -c sleep 1; echo never");
    expect(commandLabel(["systemctl", "restart", "prosody"])).toBe("systemctl restart prosody");
    expect(commandLabel(writeFileArgv("/x", { owner: "root", group: "root", mode: 0o600 }))).not.toContain(WRITE_SCRIPT.split("\n")[2]!);
  });
});

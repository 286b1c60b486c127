// The log-sink probe run with Prosody's own config loader (the machine's Prosody, as test/setup.sh installs it).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOG_SINKS_LUA, parseLogSinks } from "./prosody-logging.js";

const dir = mkdtempSync(join(tmpdir(), "log-sinks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sinks(config: string, include?: string) {
  const cfg = join(dir, "prosody.cfg.lua");
  writeFileSync(cfg, include ? `${config}\nInclude "${join(dir, "conf.d")}/*.cfg.lua"\n` : config);
  if (include) {
    mkdirSync(join(dir, "conf.d"), { recursive: true });
    writeFileSync(join(dir, "conf.d", "x.cfg.lua"), include);
  }
  const out = execFileSync("lua5.4", ["-e", LOG_SINKS_LUA, "/dev/null", "/usr/lib/prosody", cfg], { encoding: "utf8" });
  return parseLogSinks(`@@sinks\n${out}`);
}

describe("Prosody's effective log sinks, read with its config loader", () => {
  it("Arch's default: info = \"*syslog\" is the journal", () => {
    expect(sinks('log = {\n\tinfo = "*syslog";\n\t-- info = "/var/log/prosody/prosody.log";\n}\nVirtualHost "localhost"\n')).toEqual({ files: [], journal: true });
  });
  it("upstream's default: the two files", () => {
    expect(sinks('log = { info = "/var/log/prosody/prosody.log"; error = "/var/log/prosody/prosody.err"; }')).toEqual({
      files: ["/var/log/prosody/prosody.log", "/var/log/prosody/prosody.err"],
      journal: false,
    });
  });
  it("a sink that never gets errors is not watched; a global log set after a VirtualHost does not count", () => {
    expect(sinks('log = { { levels = { min = "debug", max = "warn" }, to = "file", filename = "/x" }, { levels = { "error" }, to = "file", filename = "/y" } }')).toEqual({ files: ["/y"], journal: false });
    expect(sinks('log = "/a.log"\nVirtualHost "v"\nlog = "/b.log"\n')).toEqual({ files: ["/a.log"], journal: false });
  });
  it("no log option: Prosody's default console sink (the journal under systemd); Includes are followed", () => {
    expect(sinks('admins = {}\n')).toEqual({ files: [], journal: true });
    expect(sinks("admins = {}", 'VirtualHost "x"\n')).toEqual({ files: [], journal: true });
  });
  it("a config Prosody cannot read: the reason, and the journal", () => {
    const r = sinks("log = {\n");
    expect(r.journal).toBe(true);
    expect(r.problem).toMatch(/unexpected symbol|expected/);
  });
});

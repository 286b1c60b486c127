// Test helper: run the real `prosodyctl check config` on a rendered include file inside a throwaway config dir.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Arch's default prosody.cfg.lua (Prosody 13 as the package leaves it: syslog logging, its modules). */
const ARCH_MAIN = readFileSync(new URL("../../../src/render/__fixtures__/prosody.cfg.lua.arch-default", import.meta.url), "utf8");

/** Prosody's banner about an optional library it could not find (lua-unbound on Arch and here): not a finding. */
export function withoutDependencyBanner(output: string): string {
  return output.replace(/\*{20,}\nProsody was unable to find [\s\S]*?\n\*{20,}\n/g, "");
}

/**
 * Exit code and combined output of `prosodyctl check config` on Arch's default prosody.cfg.lua with `include` as
 * the only conf.d file (data and certificates in a throwaway directory).
 */
export function prosodyctlCheck(include: string): { rc: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "provision-prosodyctl-"));
  try {
    chmodSync(dir, 0o755); // prosodyctl drops to the prosody user before reading (test data only, no real secrets)
    mkdirSync(join(dir, "conf.d"));
    mkdirSync(join(dir, "data"));
    mkdirSync(join(dir, "certs"));
    const main = join(dir, "prosody.cfg.lua");
    writeFileSync(main, `data_path = "${dir}/data"\n${ARCH_MAIN}\nInclude "conf.d/*.cfg.lua"\n`);
    writeFileSync(join(dir, "conf.d", "test.cfg.lua"), include, "utf8");
    // Only "check config": a bare "check" would also send real DNS queries.
    const r = spawnSync("prosodyctl", ["--config", main, "check", "config"], { encoding: "utf8", timeout: 30_000 });
    return { rc: r.status, output: withoutDependencyBanner(`${r.stdout}${r.stderr}`) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

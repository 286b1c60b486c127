// Test helper: run the real `prosodyctl check config` on a rendered include file inside a throwaway config dir.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Exit code and combined output of `prosodyctl check config` with `include` as the only conf.d file. */
export function prosodyctlCheck(include: string): { rc: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "provision-prosodyctl-"));
  try {
    chmodSync(dir, 0o755); // prosodyctl drops to the prosody user before reading (test data only, no real secrets)
    mkdirSync(join(dir, "conf.d"));
    mkdirSync(join(dir, "data"));
    mkdirSync(join(dir, "certs"));
    const main = join(dir, "prosody.cfg.lua");
    writeFileSync(
      main,
      `data_path = "${dir}/data"\npidfile = "${dir}/prosody.pid"\nlog = { { levels = { min = "error" }, to = "console" } }\nInclude "conf.d/*.cfg.lua"\n`,
    );
    writeFileSync(join(dir, "conf.d", "test.cfg.lua"), include, "utf8");
    // Only "check config": a bare "check" would also send real DNS queries.
    const r = spawnSync("prosodyctl", ["--config", main, "check", "config"], { encoding: "utf8", timeout: 30_000 });
    return { rc: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

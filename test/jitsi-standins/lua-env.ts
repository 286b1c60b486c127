// Runs the Jitsi Prosody plugin stand-ins under plain lua5.4, with Debian's pure-Lua
// basexx (packaged for 5.1/5.2 only) and inspect (5.3) linked into a private 5.4 path.
import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The stand-in plugin directory (installed as /usr/lib/jitsi-meet-prosody). */
export const PLUGIN_DIR = join(here, "../sandbox/packages/jitsi-meet-prosody/files/usr/lib/jitsi-meet-prosody");

const created: string[] = [];

/** Removes every directory luaLibDir created in this process. */
export function removeLuaLibDirs(): void {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Creates a LUA_PATH directory with the given pure-Lua libraries linked in. */
export function luaLibDir(libs: Array<"basexx" | "inspect">): string {
  const dir = mkdtempSync(join(tmpdir(), "standins-lua-"));
  created.push(dir);
  const sources: Record<string, string[]> = {
    basexx: ["/usr/share/lua/5.4/basexx.lua", "/usr/share/lua/5.2/basexx.lua", "/usr/share/lua/5.1/basexx.lua"],
    inspect: ["/usr/share/lua/5.4/inspect.lua", "/usr/share/lua/5.3/inspect.lua", "/usr/share/lua/5.2/inspect.lua"],
  };
  for (const lib of libs) {
    const src = sources[lib]!.find((p) => existsSync(p));
    if (!src) throw new Error(`Debian package for Lua library '${lib}' is not installed (lua-${lib})`);
    symlinkSync(src, join(dir, `${lib}.lua`));
  }
  return dir;
}

/** Runs the token util driver with a JSON request and returns its parsed JSON answer. */
export function runTokenDriver(request: object, libDir: string): Record<string, unknown> {
  const out = execFileSync("lua5.4", [join(here, "token-util-driver.lua")], {
    input: JSON.stringify({ plugins: PLUGIN_DIR, ...request }),
    encoding: "utf8",
    env: {
      ...process.env,
      // only the private dir and Lua 5.4's system dirs, so a library we leave out is really missing
      LUA_PATH: `${libDir}/?.lua;/usr/lib/prosody/?.lua;/usr/share/lua/5.4/?.lua;/usr/share/lua/5.4/?/init.lua`,
      LUA_CPATH: "/usr/lib/prosody/?.so;/usr/lib/x86_64-linux-gnu/lua/5.4/?.so",
    },
  });
  return JSON.parse(out) as Record<string, unknown>;
}

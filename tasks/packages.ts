// Packages: the Lua libraries Jitsi's Prosody token plugins need, for the Lua version Prosody runs.
import { applyChange } from "../src/apply.js";
import { HostError, PendingChangeError } from "../src/errors.js";
import { parsePacmanQ } from "../src/facts/pacman.js";
import { sections } from "../src/facts/sections.js";
import { parseProsodyAbout } from "../src/facts/prosody-about.js";
import type { Host } from "../src/host/host.js";
import type { Inventory } from "../src/inventory-types.js";
import type { Change, Task } from "../src/task.js";

/** What the token plugins `require`, and the package (without the Lua-version prefix) providing it. */
export const LUA_REQUIRES: Readonly<Record<string, string>> = {
  basexx: "basexx",
  "cjson.safe": "cjson",
  "openssl.hmac": "luaossl",
  "openssl.digest": "luaossl",
  inspect: "inspect",
  ssl: "sec",
};

/** Arch package prefix per Lua version: lua-* is the default Lua (5.4), luaNN-* the others. */
const PREFIX: Readonly<Record<string, string>> = { "5.4": "lua-", "5.3": "lua53-", "5.2": "lua52-", "5.1": "lua51-" };

/** The package that provides a Lua module for a Lua version. */
export function packageFor(luaVersion: string, module: string): string {
  return `${PREFIX[luaVersion] ?? "lua-"}${LUA_REQUIRES[module] ?? module}`;
}

export interface PackagesFacts {
  luaVersion: string;
  installed: Map<string, string>;
  /** Result of requiring each module with Prosody's interpreter and paths: module → error (undefined = loads). */
  probe: Map<string, string | undefined>;
  /** The plugins bundle luajwtjitsi.lib.lua (no separate JWT library needed). */
  bundledJwt: boolean;
  prosodyVersion?: string;
}

// $1 plugin dir, $2 Lua probe code, $3.. modules. Prints prosodyctl about, the pacman db, whether the JWT lib
// is bundled, and one line per module from Prosody's own interpreter with Prosody's own search paths.
const GATHER = `plugins=$1 code=$2; shift 2
about=$(prosodyctl about 2>&1) || { echo "@@about-error"; printf '%s\\n' "$about" | tail -n 5; about=""; }
echo "@@about"; printf '%s\\n' "$about"
echo "@@pacman"; pacman -Q 2>/dev/null
echo "@@bundled"; [ -f "$plugins/luajwtjitsi.lib.lua" ] && echo yes || echo no
interp=$(head -n1 /usr/bin/prosody 2>/dev/null | sed -n 's/^#! *//; s/^[^ ]*\\/env  *//; s/ .*//; p')
[ -n "$interp" ] || exit 0
echo "@@interp"; "$interp" -v 2>&1
echo "@@probe"
paths() { printf '%s\\n' "$about" | awk -v t="$1" '$0==t{f=1;next} f&&/^[ \\t]+[^ \\t]/{sub(/^[ \\t]+/,""); printf "%s;",$0; next} f{exit}'; }
lp=$(paths 'Lua module search paths:'); cp=$(paths 'Lua C module search paths:')
[ -n "$lp" ] && export LUA_PATH="$lp" LUA_CPATH="$cp"
"$interp" -e "$code" /dev/null "$@" 2>&1`;

const PROBE = `for i = 1, #arg do
  local ok, err = pcall(require, arg[i])
  if ok then print("ok " .. arg[i]) else print("missing " .. arg[i] .. " " .. (tostring(err):match("[^\\n]*"))) end
end`;

/** Require every module with Prosody's interpreter and paths; also reads versions and the package list. */
export async function gatherLua(host: Host, inv: Inventory, extra: string[] = []): Promise<PackagesFacts> {
  const modules = [...Object.keys(LUA_REQUIRES), ...extra];
  const r = await host.check(["sh", "-c", GATHER, "gather", inv.jitsi.pluginDir, PROBE, ...modules], { sudo: true });
  const s = sections(r.stdout);
  const [about, pacman, bundled, probe, interp] = ["about", "pacman", "bundled", "probe", "interp"].map((k) => s.get(k) ?? "") as [string, string, string, string, string];
  const a = parseProsodyAbout(about);
  // prosodyctl about needs a readable config; the interpreter in Prosody's shebang tells the version without one.
  const luaVersion = inv.luaVersion ?? a.luaVersion ?? /^Lua (\d+\.\d+)/.exec(interp)?.[1];
  if (!luaVersion)
    throw new PendingChangeError("cannot tell which Lua version Prosody runs", ["prosody"], {
      where: inv.name,
      lines: (s.get("about-error") ?? "prosody is not installed (no /usr/bin/prosody)").split("\n"),
      fix: "install prosody (the bootstrap task does), or set LUA_VERSION in the inventory",
    });
  const results = new Map<string, string | undefined>();
  for (const line of probe.split("\n")) {
    const m = /^(ok|missing) (\S+)(?: (.*))?$/.exec(line);
    if (m) results.set(m[2]!, m[1] === "ok" ? undefined : (m[3] ?? "not found"));
  }
  for (const mod of modules) if (!results.has(mod)) results.set(mod, NO_INTERPRETER);
  return { luaVersion, installed: parsePacmanQ(pacman), probe: results, bundledJwt: bundled.trim() === "yes", prosodyVersion: a.prosodyVersion };
}

/** The probe result of every module when Prosody (its interpreter) is not installed. */
const NO_INTERPRETER = "Prosody's Lua interpreter could not be run";

/** Fail naming each module Prosody's Lua cannot load and the package that provides it. */
export function assertModulesLoad(inv: Inventory, f: PackagesFacts): void {
  const missing = Object.keys(LUA_REQUIRES).filter((m) => f.probe.get(m) !== undefined);
  if (missing.length === 0) return;
  const message = `Prosody's Lua ${f.luaVersion} cannot load ${missing.join(", ")}`;
  const detail = {
    where: inv.name,
    lines: missing.map((m) => `require "${m}": ${f.probe.get(m)} (package ${packageFor(f.luaVersion, m)})`),
    fix: `reinstall the packages named above (yay -S ${[...new Set(missing.map((m) => packageFor(f.luaVersion, m)))].join(" ")}); the token plugins cannot load without them`,
  };
  // No interpreter at all: Prosody is not installed (yet), so nothing could be probed.
  if (missing.every((m) => f.probe.get(m) === NO_INTERPRETER)) throw new PendingChangeError(message, ["prosody"], { ...detail, fix: "install prosody (the bootstrap task does)" });
  throw new HostError(message, detail);
}

export const packages: Task<PackagesFacts> = {
  name: "packages",
  title: "Lua libraries for the token plugins",
  gather: ({ host, inv }) => gatherLua(host, inv, ["luajwtjitsi"]),
  plan(inv, f) {
    const wanted = [...new Set(Object.keys(LUA_REQUIRES).map((m) => packageFor(f.luaVersion, m)))];
    // Old plugin releases did not bundle the JWT library; only then is the separate package needed.
    if (!f.bundledJwt && f.luaVersion === "5.2") wanted.push("lua52-jwtjitsi");
    const missing = wanted.filter((p) => !f.installed.has(p));
    const changes: Change[] = missing.length ? [{ kind: "packages", names: missing }] : [];
    if (changes.length === 0) assertModulesLoad(inv, f);
    const stale = f.bundledJwt && f.probe.get("luajwtjitsi") === undefined ? "; warning: a separate luajwtjitsi is on Prosody's path and may shadow the bundled one (failure mode: \"attempt to call field 'decode'\")" : "";
    const versions = f.prosodyVersion ? `Prosody ${f.prosodyVersion} on Lua ${f.luaVersion}` : `Lua ${f.luaVersion}`;
    return { changes, reason: `${versions}: ${wanted.join(" ")} installed and loadable${stale}` };
  },
  async apply(ctx, plan) {
    for (const c of plan.changes) await applyChange(ctx.host, c, ctx.state, "");
    // Proven, not assumed: every module must now load with Prosody's own interpreter.
    assertModulesLoad(ctx.inv, await gatherLua(ctx.host, ctx.inv));
  },
};

// Packages: the Lua libraries Jitsi's Prosody token plugins need, for the Lua version Prosody runs.
import { HostError, PendingChangeError } from "../src/errors.js";
import { NO_INTERPRETER, prosodyLua, type ProsodyLua } from "../src/facts/prosody-lua.js";
import type { Inventory } from "../src/inventory-types.js";
import type { Change, Task } from "../src/task.js";
import { titleOf } from "./catalog.js";

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

export type PackagesFacts = ProsodyLua;

/** The Lua version to provide for: the inventory's LUA_VERSION, else the one Prosody runs. */
function luaVersionOf(inv: Inventory, f: PackagesFacts): string {
  const v = inv.luaVersion ?? f.luaVersion;
  if (!v)
    throw new PendingChangeError("cannot tell which Lua version Prosody runs", ["prosody"], {
      where: inv.name,
      lines: (f.aboutError ?? "prosody is not installed (no /usr/bin/prosody)").split("\n"),
      fix: "install prosody (the bootstrap task does), or set LUA_VERSION in the inventory",
    });
  return v;
}

/** Fail naming each module Prosody's Lua cannot load and the package that provides it. */
export function assertModulesLoad(inv: Inventory, f: PackagesFacts): void {
  const luaVersion = luaVersionOf(inv, f);
  const missing = Object.keys(LUA_REQUIRES).filter((m) => f.probe.get(m) !== undefined);
  if (missing.length === 0) return;
  const message = `Prosody's Lua ${luaVersion} cannot load ${missing.join(", ")}`;
  const detail = {
    where: inv.name,
    lines: missing.map((m) => `require "${m}": ${f.probe.get(m)} (package ${packageFor(luaVersion, m)})`),
    fix: `reinstall the packages named above (yay -S ${[...new Set(missing.map((m) => packageFor(luaVersion, m)))].join(" ")}); the token plugins cannot load without them`,
  };
  // No interpreter at all: Prosody is not installed (yet), so nothing could be probed.
  if (missing.every((m) => f.probe.get(m) === NO_INTERPRETER)) throw new PendingChangeError(message, ["prosody"], { ...detail, fix: "install prosody (the bootstrap task does)" });
  throw new HostError(message, detail);
}

export const packages: Task<PackagesFacts> = {
  name: "packages",
  title: titleOf("packages"),
  facts: (inv) => prosodyLua(inv.jitsi.pluginDir, [...Object.keys(LUA_REQUIRES), "luajwtjitsi"]),
  plan(inv, f) {
    const luaVersion = luaVersionOf(inv, f);
    const wanted = [...new Set(Object.keys(LUA_REQUIRES).map((m) => packageFor(luaVersion, m)))];
    // Old plugin releases did not bundle the JWT library; only then is the separate package needed.
    if (!f.bundledJwt && luaVersion === "5.2") wanted.push("lua52-jwtjitsi");
    const missing = wanted.filter((p) => !f.installed.has(p));
    const changes: Change[] = missing.length ? [{ kind: "packages", names: missing }] : [];
    if (changes.length === 0) assertModulesLoad(inv, f);
    const stale = f.bundledJwt && f.probe.get("luajwtjitsi") === undefined ? "; warning: a separate luajwtjitsi is on Prosody's path and may shadow the bundled one (its symptom: \"attempt to call field 'decode'\"; docs/failure-modes.md #2)" : "";
    const versions = f.prosodyVersion ? `Prosody ${f.prosodyVersion} on Lua ${luaVersion}` : `Lua ${luaVersion}`;
    return { changes, reason: `${versions}: ${wanted.join(" ")} installed and loadable${stale}` };
  },
  // Proven, not assumed: after the install, every module must load with Prosody's own interpreter (plan asserts it).
  recheck: true,
};

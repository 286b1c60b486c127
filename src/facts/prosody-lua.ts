// What Prosody's Lua can load: its versions, the installed packages, whether the token plugins bundle their JWT
// library, and each module required with Prosody's own interpreter and search paths.
import type { Fact } from "./fact.js";
import { parsePacmanQ } from "./pacman.js";
import { parseProsodyAbout } from "./prosody-about.js";
import { sections } from "./sections.js";

export interface ProsodyLua {
  /** The Lua version Prosody runs (prosodyctl about, else its interpreter's banner); undefined when neither answers. */
  luaVersion?: string;
  /** Why prosodyctl about failed (its last lines), when it did. */
  aboutError?: string;
  installed: Map<string, string>;
  /** Result of requiring each module with Prosody's interpreter and paths: module → error (undefined = loads). */
  probe: Map<string, string | undefined>;
  /** The plugins bundle luajwtjitsi.lib.lua (no separate JWT library needed). */
  bundledJwt: boolean;
  prosodyVersion?: string;
}

/** The probe result of every module when Prosody (its interpreter) is not installed. */
export const NO_INTERPRETER = "Prosody's Lua interpreter could not be run";

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

/** Pure: GATHER's output for these modules. */
export function parseProsodyLua(stdout: string, modules: readonly string[]): ProsodyLua {
  const s = sections(stdout);
  const a = parseProsodyAbout(s.get("about") ?? "");
  // prosodyctl about needs a readable config; the interpreter in Prosody's shebang tells the version without one.
  const luaVersion = a.luaVersion ?? /^Lua (\d+\.\d+)/.exec(s.get("interp") ?? "")?.[1];
  const probe = new Map<string, string | undefined>();
  for (const line of (s.get("probe") ?? "").split("\n")) {
    const m = /^(ok|missing) (\S+)(?: (.*))?$/.exec(line);
    if (m) probe.set(m[2]!, m[1] === "ok" ? undefined : (m[3] ?? "not found"));
  }
  for (const mod of modules) if (!probe.has(mod)) probe.set(mod, NO_INTERPRETER);
  return {
    ...(luaVersion ? { luaVersion } : {}),
    ...(s.has("about-error") ? { aboutError: s.get("about-error") } : {}),
    installed: parsePacmanQ(s.get("pacman") ?? ""),
    probe,
    bundledJwt: (s.get("bundled") ?? "").trim() === "yes",
    ...(a.prosodyVersion ? { prosodyVersion: a.prosodyVersion } : {}),
  };
}

/** The fact: these modules required by Prosody's Lua, with the plugins in `pluginDir`. */
export function prosodyLua(pluginDir: string, modules: readonly string[]): Fact<ProsodyLua> {
  return { name: "gather", script: GATHER, args: [pluginDir, PROBE, ...modules], parse: (out) => parseProsodyLua(out, modules) };
}

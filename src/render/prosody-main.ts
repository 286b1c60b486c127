// Edits /etc/prosody/prosody.cfg.lua so that it includes conf.d/*.cfg.lua (docs/jitsi.md §3.1), touching nothing else.
import { HostError } from "../errors.js";
import { PATHS } from "../platform.js";
import { LuaLexError, lexLua, type LuaToken } from "./lua-lexer.js";

/** The pattern Prosody must include; relative to the main config's directory. */
export const CONF_D_PATTERN = "conf.d/*.cfg.lua";

const EQUIVALENT = new Set([CONF_D_PATTERN, `./${CONF_D_PATTERN}`, `/etc/prosody/${CONF_D_PATTERN}`]);

/** The block appended when no active Include exists. */
export const MANAGED_INCLUDE_BLOCK = [
  "-- BEGIN provision-managed: load the per-domain files in conf.d (Jitsi Meet). Do not edit this block.",
  `Include "${CONF_D_PATTERN}"`,
  "-- END provision-managed",
  "",
].join("\n");

/** The string argument of a call `Include "x"`, `Include 'x'`, `Include [[x]]` or `Include("x")` starting at token k. */
function includeArgument(tokens: readonly LuaToken[], k: number): string | undefined {
  const t = tokens[k];
  if (t?.kind !== "name" || t.text !== "Include") return undefined;
  const prev = tokens[k - 1];
  if (prev?.kind === "punct" && (prev.text === "." || prev.text === ":")) return undefined;
  const a = tokens[k + 1];
  if (a?.kind === "string") return a.value;
  const b = tokens[k + 2];
  const c = tokens[k + 3];
  if (a?.kind === "punct" && a.text === "(" && b?.kind === "string" && c?.kind === "punct" && c.text === ")") return b.value;
  return undefined;
}

/** True when `mainCfg` has an uncommented Include of conf.d/*.cfg.lua (any quoting or spacing). */
export function hasActiveInclude(mainCfg: string): boolean {
  const tokens = lexLua(mainCfg);
  return tokens.some((_, k) => {
    const arg = includeArgument(tokens, k);
    return arg !== undefined && EQUIVALENT.has(arg.trim());
  });
}

/** Ensures `Include "conf.d/*.cfg.lua"` is active, appending a delimited managed block at the end if needed; idempotent. */
export function ensureInclude(mainCfg: string): { content: string; changed: boolean } {
  let active: boolean;
  try {
    active = hasActiveInclude(mainCfg);
  } catch (e) {
    // A file that ends inside a string or long comment would swallow an appended Include.
    if (!(e instanceof LuaLexError)) throw e;
    throw new HostError(`cannot be read as Lua (${e.message})`, {
      where: PATHS.prosodyMain,
      fix: "fix the file (see `prosodyctl check config`) and run again",
    });
  }
  if (active) return { content: mainCfg, changed: false };
  const sep = mainCfg.length === 0 || mainCfg.endsWith("\n") ? "" : "\n";
  const gap = mainCfg.length === 0 || mainCfg.endsWith("\n\n") ? "" : "\n";
  return { content: `${mainCfg}${sep}${gap}${MANAGED_INCLUDE_BLOCK}`, changed: true };
}

// Lua string escaping: the one function every value rendered into a Lua file goes through.
import { assertWellFormed } from "./well-formed.js";

/** Renders `value` as a one-line, double-quoted Lua string literal whose bytes are the UTF-8 of `value`. */
export function luaString(value: string): string {
  assertWellFormed(value, "Lua");
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (c < 0x20 || c === 0x7f) out += "\\" + String(c).padStart(3, "0");
    else out += ch;
  }
  return out + '"';
}

/** Renders a Lua table constructor `{ "a"; "b" }` of string literals (`{ }` when empty). */
export function luaList(values: readonly string[]): string {
  if (values.length === 0) return "{ }";
  return `{ ${values.map(luaString).join("; ")} }`;
}

// A small Lua 5.x lexer: enough to tell code from comments and strings in Prosody config files.

/** One significant token; comments and whitespace are dropped. */
export type LuaToken =
  | { kind: "name"; text: string; start: number; end: number }
  | { kind: "string"; value: string; start: number; end: number }
  | { kind: "punct"; text: string; start: number; end: number };

/** Why lexing stopped early: the text ends inside a string or long comment. */
export class LuaLexError extends Error {}

const SIMPLE_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'", "\n": "\n" };

/** Opening long bracket `[==[` at `i`: returns its level, or -1. */
function longBracketLevel(src: string, i: number): number {
  if (src[i] !== "[") return -1;
  let j = i + 1;
  while (src[j] === "=") j++;
  return src[j] === "[" ? j - i - 1 : -1;
}

/** Index just after the long bracket closing `]==]` of `level` that starts searching at `from`. */
function skipLong(src: string, from: number, level: number, what: string): number {
  const close = `]${"=".repeat(level)}]`;
  const at = src.indexOf(close, from);
  if (at < 0) throw new LuaLexError(`unterminated long ${what} starting before offset ${from}`);
  return at + close.length;
}

/** Tokenizes Lua source, skipping comments (`--`, `--[[ ]]`, `--[==[ ]==]`); decodes string literals (escapes approximately). */
export function lexLua(src: string): LuaToken[] {
  const out: LuaToken[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (src.startsWith("--", i)) {
      const level = longBracketLevel(src, i + 2);
      if (level >= 0) i = skipLong(src, i + 2 + level + 2, level, "comment");
      else {
        const nl = src.indexOf("\n", i);
        i = nl < 0 ? src.length : nl + 1;
      }
    } else if (ch === '"' || ch === "'") {
      const start = i;
      let value = "";
      i++;
      for (;;) {
        if (i >= src.length || src[i] === "\n") throw new LuaLexError(`unterminated string at offset ${start}`);
        const c = src[i]!;
        if (c === ch) break;
        if (c === "\\") {
          const e = src[i + 1] ?? "";
          if (e in SIMPLE_ESCAPES) {
            value += SIMPLE_ESCAPES[e];
            i += 2;
          } else if (/\d/.test(e)) {
            const m = /^\d{1,3}/.exec(src.slice(i + 1, i + 4))![0];
            value += String.fromCharCode(Number(m));
            i += 1 + m.length;
          } else if (e === "z") {
            i += 2;
            while (i < src.length && /\s/.test(src[i]!)) i++;
          } else {
            value += e; // \x, \u{}: kept approximately; only used for comparison with plain paths
            i += 2;
          }
          continue;
        }
        value += c;
        i++;
      }
      i++;
      out.push({ kind: "string", value, start, end: i });
    } else if (ch === "[" && longBracketLevel(src, i) >= 0) {
      const level = longBracketLevel(src, i);
      const start = i;
      const bodyStart = i + level + 2;
      i = skipLong(src, bodyStart, level, "string");
      let value = src.slice(bodyStart, i - level - 2);
      if (value.startsWith("\r\n")) value = value.slice(2);
      else if (value.startsWith("\n")) value = value.slice(1);
      out.push({ kind: "string", value, start, end: i });
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256))!;
      out.push({ kind: "name", text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else {
      out.push({ kind: "punct", text: ch, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

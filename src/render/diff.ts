// Unified diffs of rendered files, and secret masking: by structure (the value of every secret-bearing setting, in
// Lua, HOCON and JS syntax) and by the known secrets, as our escapers render them.
import { createTwoFilesPatch } from "diff";
import { hoconString } from "./hocon.js";
import { jsString } from "./js.js";
import { luaString } from "./lua.js";

const MASK = "********";

/** A unified diff of `path` from `before` (null = file absent) to `after`; "" when equal. */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  if (before === after) return "";
  return createTwoFilesPatch(before === null ? "/dev/null" : `a${path}`, `b${path}`, before ?? "", after, undefined, undefined, { context: 3 });
}

/** The texts a secret appears as: raw, and inside a luaString / hoconString / jsString literal (quotes stripped). */
export function secretForms(secret: string): string[] {
  if (secret === "") return [];
  const forms = [secret];
  for (const render of [luaString, hoconString, jsString]) {
    try {
      forms.push(render(secret).slice(1, -1));
    } catch {
      // not representable in that language (lone surrogate): it cannot appear there either
    }
  }
  return [...new Set(forms)];
}

/** Replaces every occurrence of each secret, raw or as rendered by our escapers, with ********. */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  const all = [...new Set([...secrets].flatMap(secretForms))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const f of all) out = out.split(f).join(MASK);
  return out;
}

/** A setting name that holds a secret: app_secret, component_secret, password, PASSWORD, ldap_password, passphrase … */
const SECRET_NAME = /(?:secret|passw(?:or)?d|passphrase)/i;

// A setting's name and its `=` or `:`: a bare or quoted name (HOCON paths and Lua fields included) at the start of a
// line or after `{`, `,`, `;` or whitespace.
const SETTING = /(^|[\s{,;(])(["']?)([A-Za-z_][\w.-]*)\2[ \t]*(?:=|:)(?!=)[ \t]*/gm;

/** The extent [start, end) of the value starting at `i` and its opening and closing delimiters; undefined when none. */
function valueAt(text: string, i: number): { start: number; end: number; open: string; close: string } | undefined {
  const rest = text.slice(i);
  const long = /^\[(=*)\[/.exec(rest); // Lua long string
  if (long) {
    const close = `]${long[1]}]`;
    const end = text.indexOf(close, i + long[0].length);
    return { start: i + long[0].length, end: end < 0 ? text.length : end, open: long[0], close };
  }
  if (rest.startsWith('"""')) {
    const end = text.indexOf('"""', i + 3);
    return { start: i + 3, end: end < 0 ? text.length : end, open: '"""', close: '"""' };
  }
  const q = rest[0];
  if (q === '"' || q === "'" || q === "`") {
    let j = i + 1;
    while (j < text.length && text[j] !== q && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
    return { start: i + 1, end: Math.min(j, text.length), open: q, close: q };
  }
  // Unquoted (HOCON): to the end of the line, a separator or a comment; a substitution ${…} names no secret itself.
  if (rest.startsWith("${")) return undefined;
  const m = /^[^\s,;}\]#][^\n,;}\]#]*?(?=[ \t]*(?:$|\n|[,;}\]#]|\/\/))/.exec(rest);
  if (!m || /^(?:nil|null|true|false)$/.test(m[0])) return undefined;
  return { start: i, end: i + m[0].length, open: "", close: "" };
}

/** Every secret-bearing setting's value in `text` (as written, between its delimiters), with where it is. */
function secretValues(text: string): { start: number; end: number; open: string; close: string; value: string }[] {
  const out: { start: number; end: number; open: string; close: string; value: string }[] = [];
  for (const m of text.matchAll(SETTING)) {
    if (!SECRET_NAME.test(m[3]!)) continue;
    const at = m.index! + m[0].length;
    if (out.length && at < out[out.length - 1]!.end) continue; // inside the previous value
    const v = valueAt(text, at);
    if (v && v.end > v.start) out.push({ ...v, value: text.slice(v.start, v.end) });
  }
  return out;
}

/** `text` with the value of every secret-bearing setting replaced by `mask(value)` (delimiters kept). */
export function maskSecretSettings(text: string, mask: (value: string) => string = () => MASK): string {
  let out = "";
  let last = 0;
  for (const v of secretValues(text)) {
    out += text.slice(last, v.start) + mask(v.value);
    last = v.end;
  }
  return out + text.slice(last);
}

/**
 * A unified diff that shows no secret, old or new: every secret-bearing setting's value is masked on both sides
 * by structure (whatever secrets this run knows), a value that changed shows as `******** (old)` / `******** (new)`,
 * and the known `secrets` are masked wherever else they appear.
 */
export function secretSafeDiff(path: string, before: string | null, after: string, secrets: Iterable<string>): string {
  const was = new Set(before === null ? [] : secretValues(before).map((v) => v.value));
  const is = new Set(secretValues(after).map((v) => v.value));
  const label = (v: string) => (before === null || (was.has(v) && is.has(v)) ? MASK : was.has(v) ? `${MASK} (old)` : `${MASK} (new)`);
  const masked = (t: string) => maskSecretSettings(t, label);
  // The values found are masked wherever else they appear too (a comment quoting one), when long enough to be told apart.
  const found = [...was, ...is].filter((v) => v.length >= 8);
  return maskSecrets(unifiedDiff(path, before === null ? null : masked(before), masked(after)), [...secrets, ...found]);
}

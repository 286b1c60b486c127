// Unified diffs of rendered files, and secret masking that knows exactly how our escapers render a secret.
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

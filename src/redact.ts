// Mask every known secret out of text before it is shown, logged or written to a report.

const MASK = "********";

/** The forms a secret takes once rendered into Lua, HOCON/JSON or a JS string, plus its raw form. */
function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const lua = secret.replace(/[\\"]/g, (c) => `\\${c}`);
  const js = secret.replace(/[\\']/g, (c) => `\\${c}`);
  return [...new Set([secret, json, lua, js])].filter((f) => f.length >= 6);
}

/** Replace each occurrence of each secret (in raw and escaped forms) with ********. */
export function redact(text: string, secrets: Iterable<string>): string {
  const all = [...secrets].flatMap(forms).sort((a, b) => b.length - a.length);
  let out = text;
  for (const f of all) out = out.split(f).join(MASK);
  return out;
}

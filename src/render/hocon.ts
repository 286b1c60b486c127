// HOCON string escaping: the one function every value rendered into a HOCON file goes through.
import { assertWellFormed } from "./well-formed.js";

/** Renders `value` as a one-line HOCON quoted string (JSON string rules; `${` stays literal inside quotes). */
export function hoconString(value: string): string {
  assertWellFormed(value, "HOCON");
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const c = value.charCodeAt(i);
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) {
      out += "\\u" + c.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

/** One `dotted.path = value` line: strings through hoconString, numbers and booleans as they print. */
export function hoconSetting(path: string, value: string | number | boolean): string {
  return `${path} = ${typeof value === "string" ? hoconString(value) : String(value)}`;
}

/** One `dotted.path = [{ key = "value", … }, …]` line: a list of objects whose keys are ours and whose values go through hoconString. */
export function hoconObjectList(path: string, items: readonly Record<string, string>[]): string {
  const obj = (o: Record<string, string>) => `{ ${Object.entries(o).map(([k, v]) => `${k} = ${hoconString(v)}`).join(", ")} }`;
  return `${path} = [${items.map(obj).join(", ")}]`;
}

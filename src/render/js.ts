// JavaScript string escaping: the one function every value rendered into config.js goes through.
import { isLoneSurrogate } from "./well-formed.js";

/** Renders `value` as a one-line single-quoted JS string literal, also safe inside an HTML `<script>`. */
export function jsString(value: string): string {
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const c = value.charCodeAt(i);
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "/" && value[i - 1] === "<") out += "\\/";
    else if (ch === "<" && value.startsWith("<!--", i)) out += "\\x3C";
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += "\\x" + c.toString(16).padStart(2, "0");
    else if (c === 0x2028 || c === 0x2029 || c === 0xfeff || isLoneSurrogate(value, i)) {
      out += "\\u" + c.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + "'";
}

// Guard shared by the escapers whose output must be valid UTF-8.
import { UsageError } from "../errors.js";

/** Throws when `value` holds a lone UTF-16 surrogate, which has no UTF-8 encoding. */
export function assertWellFormed(value: string, language: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = value.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) {
        i++;
        continue;
      }
    } else if (c < 0xdc00 || c > 0xdfff) continue;
    throw new UsageError(`cannot render a ${language} string: lone UTF-16 surrogate at index ${i}`, {
      fix: "give a value that is valid Unicode text (a surrogate half has no UTF-8 form)",
    });
  }
}

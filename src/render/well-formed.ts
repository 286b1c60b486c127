// Guard shared by the escapers whose output must be valid UTF-8, and the lone-surrogate test they share.
import { UsageError } from "../errors.js";

/** True when the UTF-16 unit at `i` is half of a surrogate pair whose other half is missing (no UTF-8 form). */
export function isLoneSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const n = s.charCodeAt(i + 1);
    return !(n >= 0xdc00 && n <= 0xdfff);
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const p = s.charCodeAt(i - 1);
    return !(p >= 0xd800 && p <= 0xdbff);
  }
  return false;
}

/** Throws when `value` holds a lone UTF-16 surrogate, which has no UTF-8 encoding. */
export function assertWellFormed(value: string, language: string): void {
  for (let i = 0; i < value.length; i++) {
    if (!isLoneSurrogate(value, i)) continue;
    throw new UsageError(`cannot render a ${language} string: lone UTF-16 surrogate at index ${i}`, {
      fix: "give a value that is valid Unicode text (a surrogate half has no UTF-8 form)",
    });
  }
}

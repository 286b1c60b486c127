// Guard shared by the escapers whose output must be valid UTF-8.

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
      throw new Error(`cannot render a ${language} string: lone UTF-16 surrogate at index ${i}`);
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      throw new Error(`cannot render a ${language} string: lone UTF-16 surrogate at index ${i}`);
    }
  }
}

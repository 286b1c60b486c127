// The provision-managed block in a HOCON file (jicofo.conf, jvb.conf): find it, put it in place, check it has the last word.
import { HoconSyntaxError, HoconUnresolved, getPath, parseHocon, type HoconDocument, type HoconObject, type HoconValue } from "./hocon-parse.js";

export const BEGIN_MARKER = "# BEGIN provision-managed";
export const END_MARKER = "# END provision-managed";

/** A value as a Java config's getString would see it. */
export function hoconStr(v: HoconValue | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}
/** A value as getBoolean would see it. */
export function hoconBool(v: HoconValue | undefined): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "yes" || v === "on") return true;
  if (v === "false" || v === "no" || v === "off") return false;
  return undefined;
}
/** A value as getInt would see it. */
export function hoconNum(v: HoconValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/**
 * Parses `content` (the file at `path`, read by `program`); a syntax error names the file and the fix, never the contents.
 * `what` is appended to the path in the message (e.g. " (after editing)").
 */
export function parseManaged(content: string, path: string, program: string, what = ""): HoconDocument {
  try {
    return parseHocon(content);
  } catch (e) {
    if (e instanceof HoconSyntaxError) {
      throw new Error(`${path}${what}: ${e.message}; fix the HOCON syntax by hand (${program} cannot start with it either)`);
    }
    throw e;
  }
}

/** Finds the managed block's [start, end) offsets (whole lines), or undefined; throws on a half-present block. */
export function findManagedBlock(content: string, path: string): [number, number] | undefined {
  const lines = /^[ \t]*(# (?:BEGIN|END) provision-managed)\b.*$/gm;
  const hits = [...content.matchAll(lines)];
  if (hits.length === 0) return undefined;
  const ok = hits.length === 2 && hits[0]![1] === BEGIN_MARKER && hits[1]![1] === END_MARKER;
  if (!ok) {
    throw new Error(
      `${path}: the provision-managed block is damaged (expected one "${BEGIN_MARKER}" line followed by one "${END_MARKER}" line, found ${hits.length} marker lines); remove the markers and the block between them by hand, then run again`,
    );
  }
  const start = hits[0]!.index!;
  let end = hits[1]!.index! + hits[1]![0].length;
  if (content[end] === "\n") end++;
  return [start, end];
}

/**
 * `content` with `block` (markers included, ending in a newline) in place: where the old block was, else inside a braced
 * root before its closing brace, else at the end after a blank line.
 */
export function placeManagedBlock(content: string, doc: HoconDocument, block: string, path: string): string {
  const existing = findManagedBlock(content, path);
  if (existing) return content.slice(0, existing[0]) + block + content.slice(existing[1]);
  if (doc.rootCloseOffset !== undefined) {
    // The root is written as `{ ... }`: the block goes inside, before the closing brace.
    const before = content.slice(0, doc.rootCloseOffset);
    return `${before}${before.endsWith("\n") ? "" : "\n"}${block}${content.slice(doc.rootCloseOffset)}`;
  }
  const sep = content.length === 0 || content.endsWith("\n") ? "" : "\n";
  const gap = content.length === 0 || content.endsWith("\n\n") ? "" : "\n";
  return `${content}${sep}${gap}${block}`;
}

/** The dotted paths of `expected` whose resolved value in `root` is not the expected one (compared as the program reads them). */
export function overriddenPaths(root: HoconObject, expected: Record<string, string | number | boolean>): string[] {
  return Object.entries(expected)
    .filter(([path, want]) => {
      const got = getPath(root, path.split("."));
      return got instanceof HoconUnresolved || (typeof want === "number" ? hoconNum(got) : typeof want === "boolean" ? hoconBool(got) : hoconStr(got)) !== want;
    })
    .map(([path]) => path);
}

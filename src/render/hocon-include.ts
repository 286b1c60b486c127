// Text-level edits of a package's HOCON file (jicofo.conf, jvb.conf): one `include required(...)` line of ours at the
// end, the managed block of earlier versions removed by its markers, and values read back from files we render in a
// fixed format. No HOCON parser: docs/hocon.md says why this is enough.
import { HostError } from "../errors.js";
import { hoconString } from "./hocon.js";

/** The markers of the block earlier versions kept inside the package's file (removed on the next run). */
export const OLD_BEGIN_MARKER = "# BEGIN provision-managed";
export const OLD_END_MARKER = "# END provision-managed";

/**
 * Our include statement for `name` (a file beside the including one, HOCON.md "Include semantics: locating
 * resources"). `required(...)`: when our file is missing the service refuses to start instead of starting without it.
 */
export function includeStatement(name: string): string {
  return `include required(${hoconString(name)})`;
}

/** The [start, end) offsets of the old managed block (whole lines), or undefined; throws on a half-present block. */
export function findOldBlock(content: string, path: string): [number, number] | undefined {
  const hits = [...content.matchAll(/^[ \t]*(# (?:BEGIN|END) provision-managed)\b.*$/gm)];
  if (hits.length === 0) return undefined;
  if (hits.length !== 2 || hits[0]![1] !== OLD_BEGIN_MARKER || hits[1]![1] !== OLD_END_MARKER) {
    throw new HostError(
      `the provision-managed block of an earlier version is damaged (expected one "${OLD_BEGIN_MARKER}" line followed by one "${OLD_END_MARKER}" line, found ${hits.length} marker lines)`,
      { where: path, fix: "remove the markers and the block between them by hand, then run again" },
    );
  }
  let end = hits[1]!.index! + hits[1]![0].length;
  if (content[end] === "\n") end++;
  return [hits[0]!.index!, end];
}

/** The text of the old managed block, markers included; undefined when there is none or it is damaged (the edit refuses that). */
export function oldBlock(content: string): string | undefined {
  try {
    const at = findOldBlock(content, "");
    return at ? content.slice(at[0], at[1]) : undefined;
  } catch {
    return undefined;
  }
}

const isBlankOrComment = (line: string): boolean => /^[ \t]*(?:$|#|\/\/)/.test(line);

/**
 * `content` with exactly one `statement` line, last in its root object, and without the old managed block. A root
 * written as `{ ... }` gets the line before its closing brace (after it would be a syntax error). Idempotent.
 */
export function ensureIncludeLast(content: string, statement: string, path: string): string {
  const block = findOldBlock(content, path);
  const without = block ? content.slice(0, block[0]) + content.slice(block[1]) : content;
  const lines = without.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const kept = lines.filter((l) => !l.trimStart().startsWith(statement));
  const line = `${statement} # provision: keep this line last (settings after it would override provision's)`;
  const first = kept.findIndex((l) => !isBlankOrComment(l));
  if (first >= 0 && kept[first]!.trimStart().startsWith("{")) {
    let last = kept.length - 1;
    while (last > first && isBlankOrComment(kept[last]!)) last--;
    if (!/^[ \t]*\}[ \t]*(?:(?:#|\/\/).*)?$/.test(kept[last]!)) {
      throw new HostError("its root is written as { ... } but its last line is not the closing brace alone, so the include cannot go last", {
        where: path,
        fix: 'put "}" on a line of its own, then run again',
      });
    }
    kept.splice(last, 0, `  ${line}`);
    return `${kept.join("\n")}\n`;
  }
  while (kept.length > 0 && kept.at(-1)!.trim() === "") kept.pop();
  return kept.length === 0 ? `${line}\n` : `${kept.join("\n")}\n\n${line}\n`;
}

/**
 * The string value of `key` in a file we render (one `key = "<hoconString>"` line), or undefined when there is no
 * such line or more than one. Only for our fixed format: quoted strings with JSON escapes, one per line.
 */
export function readRenderedString(content: string, key: string): string | undefined {
  const re = new RegExp(`^[ \\t]*${key.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")} = ("(?:[^"\\\\\\n]|\\\\.)*")[ \\t]*$`, "gm");
  const hits = [...content.matchAll(re)];
  if (hits.length !== 1) return undefined;
  try {
    const v: unknown = JSON.parse(hits[0]![1]!);
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

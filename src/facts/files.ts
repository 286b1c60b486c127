// A file's content with its owner, group and mode, read as root (null when absent); a file we render whole is
// compared on the host by its SHA-256 and its content carried back only when it differs.
import { createHash } from "node:crypto";
import type { FileStat } from "../host/host.js";
import type { Fact } from "./fact.js";

export interface FileFact extends FileStat {
  content: string;
}

// For each path: "@@file <path>" then "absent", or "<owner> <group> <octal mode>" and the content as base64 (or, with
// WANT set to a SHA-256 the file has, "=same": base64 never starts with "="). A path
// that exists but cannot be read (a read error), or is not a regular file (a FIFO, a directory), fails the whole
// command naming it: never read as empty (the run would rewrite the file from nothing) nor as absent.
export const READ = `for f in "$@"; do
  printf '@@file %s\\n' "$f"
  if [ -f "$f" ]; then
    { stat -c '%U %G %a' -- "$f" && if [ -n "\${WANT:-}" ] && [ "$(sha256sum -- "$f" | cut -d' ' -f1)" = "$WANT" ]; then echo =same; else base64 -w0 -- "$f"; fi; } || { printf 'provision-read: cannot read %s\\n' "$f" >&2; exit 3; }; echo
  elif [ -e "$f" ] || [ -L "$f" ]; then
    printf 'provision-read: %s exists but is not a regular file (%s)\\n' "$f" "$(stat -c %F -- "$f" 2>/dev/null)" >&2; exit 3
  else echo absent; fi
done`;

/** Pure: the files in READ's output (null for an absent one; `same` is the content of a file the host found unchanged). */
export function parseFiles(stdout: string, same?: string): Map<string, FileFact | null> {
  const out = new Map<string, FileFact | null>();
  for (const block of stdout.split(/^@@file /m).slice(1)) {
    const [path = "", head = "", body = ""] = block.split("\n");
    if (head === "absent") {
      out.set(path, null);
      continue;
    }
    const [owner = "", group = "", mode = "0"] = head.split(" ");
    const content = body === "=same" && same !== undefined ? same : Buffer.from(body, "base64").toString("utf8");
    out.set(path, { owner, group, mode: parseInt(mode, 8), content });
  }
  return out;
}

/** The fact: one file's content and stat, or null when it does not exist. */
export function file(path: string): Fact<FileFact | null> {
  return {
    name: "read",
    script: READ,
    args: [path],
    parse(stdout) {
      const files = parseFiles(stdout);
      if (!files.has(path)) throw new Error(`the read of ${path} gave no answer for it`);
      return files.get(path)!;
    },
  };
}

/**
 * The fact for a file we render whole: compared with `wanted` on the host (SHA-256), so an unchanged file is not
 * carried back; a different one comes with its content (for the diff and the rollback). The digest travels on
 * standard input, not in an argument list: the file may hold a secret (the Prosody include holds the JWT secret).
 */
export function renderedFile(path: string, wanted: string): Fact<FileFact | null> {
  const sum = createHash("sha256").update(wanted).digest("hex");
  return {
    name: "read",
    script: `IFS= read -r WANT; ${READ}`,
    args: [path],
    input: sum,
    parse(stdout) {
      const files = parseFiles(stdout, wanted);
      if (!files.has(path)) throw new Error(`the read of ${path} gave no answer for it`);
      return files.get(path)!;
    },
  };
}

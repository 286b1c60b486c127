// A file's content with its owner, group and mode, read as root (null when absent).
import type { FileStat } from "../host/host.js";
import type { Fact } from "./fact.js";

export interface FileFact extends FileStat {
  content: string;
}

// For each path: "@@file <path>" then "absent", or "<owner> <group> <octal mode>" and the content as base64. A path
// that exists but cannot be read (a read error), or is not a regular file (a FIFO, a directory), fails the whole
// command naming it: never read as empty (the run would rewrite the file from nothing) nor as absent.
export const READ = `for f in "$@"; do
  printf '@@file %s\\n' "$f"
  if [ -f "$f" ]; then
    { stat -c '%U %G %a' -- "$f" && base64 -w0 -- "$f"; } || { printf 'provision-read: cannot read %s\\n' "$f" >&2; exit 3; }; echo
  elif [ -e "$f" ] || [ -L "$f" ]; then
    printf 'provision-read: %s exists but is not a regular file (%s)\\n' "$f" "$(stat -c %F -- "$f" 2>/dev/null)" >&2; exit 3
  else echo absent; fi
done`;

/** Pure: the files in READ's output (null for an absent one). */
export function parseFiles(stdout: string): Map<string, FileFact | null> {
  const out = new Map<string, FileFact | null>();
  for (const block of stdout.split(/^@@file /m).slice(1)) {
    const [path = "", head = "", body = ""] = block.split("\n");
    if (head === "absent") {
      out.set(path, null);
      continue;
    }
    const [owner = "", group = "", mode = "0"] = head.split(" ");
    out.set(path, { owner, group, mode: parseInt(mode, 8), content: Buffer.from(body, "base64").toString("utf8") });
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

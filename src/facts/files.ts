// Read several files with their owner, group and mode in one round trip (as root).
import type { FileStat, Host } from "../host/host.js";

export interface FileFact extends FileStat {
  content: string;
}

// For each path: "@@file <path>" then "absent", or "<owner> <group> <octal mode>" and the content as base64. A path
// that exists but cannot be read (a read error), or is not a regular file (a FIFO, a directory), fails the whole
// command naming it: never read as empty (the run would rewrite the file from nothing) nor as absent.
const READ = `for f in "$@"; do
  printf '@@file %s\\n' "$f"
  if [ -f "$f" ]; then
    { stat -c '%U %G %a' -- "$f" && base64 -w0 -- "$f"; } || { printf 'provision-read: cannot read %s\\n' "$f" >&2; exit 3; }; echo
  elif [ -e "$f" ] || [ -L "$f" ]; then
    printf 'provision-read: %s exists but is not a regular file (%s)\\n' "$f" "$(stat -c %F -- "$f" 2>/dev/null)" >&2; exit 3
  else echo absent; fi
done`;

/** Content and stat of each path (null when absent), read through sudo in one command. */
export async function readFiles(host: Host, paths: readonly string[]): Promise<Map<string, FileFact | null>> {
  const out = new Map<string, FileFact | null>();
  if (paths.length === 0) return out;
  const r = await host.check(["sh", "-c", READ, "read", ...paths], { sudo: true });
  const blocks = r.stdout.split(/^@@file /m).slice(1);
  for (const block of blocks) {
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

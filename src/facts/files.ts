// Read several files with their owner, group and mode in one round trip (as root).
import type { FileStat, Host } from "../host/host.js";

export interface FileFact extends FileStat {
  content: string;
}

// For each path: "@@file <path>" then "absent", or "<owner> <group> <octal mode>" and the content as base64.
const READ = `for f in "$@"; do
  printf '@@file %s\\n' "$f"
  if [ -f "$f" ]; then stat -c '%U %G %a' -- "$f" && base64 -w0 -- "$f"; echo; else echo absent; fi
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

// Put back the files a run wrote (after a failed validation or restart), and the tail of some output for errors.
import type { Host } from "./host/host.js";
import type { RunState } from "./task.js";

/** Put back every file written in this run (newest first): previous content, or remove a file that was new. */
export async function rollback(host: Host, state: RunState): Promise<string[]> {
  const restored: string[] = [];
  for (const w of [...state.written].reverse()) {
    if (w.previous === null) await host.check(["rm", "-f", "--", w.path], { sudo: true });
    else await host.writeFile(w.path, w.previous, { owner: w.owner, group: w.group, mode: w.mode });
    restored.push(w.path);
  }
  state.written.length = 0;
  return restored;
}

/** The last lines of some output, for error messages. */
export function tail(text: string, n = 15): string[] {
  return text.trimEnd().split("\n").filter((l) => l.trim() !== "").slice(-n);
}

// Plain (piped, non-TTY) progress: every line starts with its host, so several hosts' lines can be told apart.
import type { LogSink } from "./sink.js";

/** "[host] " padded to the longest host name, so the lines of several hosts line up. */
export function hostPrefix(host: string, width = 0): string {
  return `[${host}]`.padEnd(width + 2) + " ";
}

/** Prefix each line of `text` (a multi-line message stays attributed on every line). */
export function prefixLines(host: string, text: string, width = 0): string {
  const p = hostPrefix(host, width);
  return text
    .replace(/\n+$/, "")
    .split("\n")
    .map((l) => (l ? p + l : p.trimEnd()))
    .join("\n");
}

/** A LogSink that writes `[host] line` to `write` (stdout when piped), aligned over `hosts`. */
export function plainSink(hosts: string[], write: (text: string) => void): LogSink {
  const width = Math.max(0, ...hosts.map((h) => h.length));
  return (host, line) => write(`${prefixLines(host, line, width)}\n`);
}

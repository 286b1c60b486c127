// -v / --verbose: a Host that sends each line a remote command prints to the run's log as it arrives (a 30-minute
// AUR build shows its build output, not only heartbeats).
import { maskSecretSettings } from "../render/diff.js";
import type { Host, RunOptions } from "./host.js";

/** Longest line passed on at once; longer ones come in pieces (a minified file, a progress bar without newlines). */
const MAX_LINE = 400;

/** Splits streamed text into lines (`\n`, `\r\n` or a lone `\r` as progress bars use), one buffer per stream. */
export function lineSplitter(emit: (line: string, stream: "stdout" | "stderr") => void): {
  push(text: string, stream: "stdout" | "stderr"): void;
  flush(): void;
} {
  const partial = { stdout: "", stderr: "" };
  const out = (line: string, stream: "stdout" | "stderr") => {
    const l = line.trimEnd();
    if (l !== "") emit(l, stream);
  };
  return {
    push(text, stream) {
      const parts = (partial[stream] + text).split(/\r\n|\r|\n/);
      partial[stream] = parts.pop() ?? "";
      for (const p of parts) out(p, stream);
      // A line that never ends still shows, in pieces of MAX_LINE.
      while (partial[stream].length > MAX_LINE) {
        emit(partial[stream].slice(0, MAX_LINE), stream);
        partial[stream] = partial[stream].slice(MAX_LINE);
      }
    },
    flush() {
      for (const s of ["stdout", "stderr"] as const) {
        out(partial[s], s);
        partial[s] = "";
      }
    },
  };
}

/**
 * `host` with every run/check streaming its output to `log`, one line at a time, marked `| `; the value of any
 * secret-bearing setting (password = …) is masked here, and `log` masks the run's known secrets (as every progress
 * line is). File contents read with readFile are never streamed (they are read through the inner host).
 */
export function withVerbose(host: Host, log: (line: string) => void): Host {
  const streamed = <T>(call: (opts: RunOptions) => Promise<T>, opts: RunOptions = {}): Promise<T> => {
    const lines = lineSplitter((line) => log(`| ${maskSecretSettings(line)}`));
    const onOutput: RunOptions["onOutput"] = (text, stream) => {
      opts.onOutput?.(text, stream);
      lines.push(text, stream);
    };
    return call({ ...opts, onOutput }).finally(() => lines.flush());
  };
  return {
    name: host.name,
    run: (argv, opts) => streamed((o) => host.run(argv, o), opts),
    check: (argv, opts) => streamed((o) => host.check(argv, o), opts),
    readFile: (path, opts) => host.readFile(path, opts),
    writeFile: (path, content, opts) => host.writeFile(path, content, opts),
    forward: (address, port) => host.forward(address, port),
    close: () => host.close(),
  };
}

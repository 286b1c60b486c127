// Ctrl-C (SIGINT) and SIGTERM: stop the run, release every host lock this process holds (bounded), exit 130 / 143.
import { InterruptedError } from "./errors.js";
import { releaseAllLocks } from "./lock.js";

export interface InterruptOptions {
  /** Aborted (with an InterruptedError as reason) on the first signal; the runner stops at its next step. */
  controller: AbortController;
  /** Settles once the run has stopped (each host released its lock and closed its connection). */
  settled: Promise<unknown>;
  /** Ends the process (src/cli.ts passes process.exit). */
  exit(code: number): void;
  /** Where the notice goes (stderr). */
  write(text: string): void;
  /** How long the run gets to stop by itself at a step boundary (default 3 s). */
  graceMs?: number;
  /** How long releasing the locks still held may take after that (default 5 s). */
  releaseMs?: number;
  /** Releases every held lock within the time given (default releaseAllLocks). */
  release?: (timeoutMs: number) => Promise<void>;
}

/**
 * Install SIGINT and SIGTERM handlers for one run (replacing listr2's, which exits 127 at once). The first signal
 * aborts the run, waits for it to stop (at most graceMs), releases the locks still held (at most releaseMs, over
 * the still-open connections), then exits 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once.
 * Returns a function that removes the handlers.
 */
export function handleInterrupts(o: InterruptOptions): () => void {
  const graceMs = o.graceMs ?? 3000;
  const releaseMs = o.releaseMs ?? 5000;
  const release = o.release ?? releaseAllLocks;
  let stopping = false;
  const handler = (signal: "SIGINT" | "SIGTERM") => () => {
    const stop = new InterruptedError(signal);
    if (stopping) {
      o.write(`provision: ${signal} again: exiting now; a lock left on a host is taken over as stale by the next run\n`);
      o.exit(stop.exitCode);
      return;
    }
    stopping = true;
    o.write(`\nprovision: ${signal === "SIGINT" ? "interrupted" : "terminated"} (${signal}); stopping and releasing host locks\n`);
    o.controller.abort(stop);
    void (async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([o.settled.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      await release(releaseMs).catch(() => undefined);
      o.exit(stop.exitCode);
    })();
  };
  const onInt = handler("SIGINT");
  const onTerm = handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return () => {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  };
}

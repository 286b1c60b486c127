// A fact is a command and a parser (pyinfra's model): the shell text that reads it on the host, and a pure function
// of that text's output. The runner reads the facts of every task in one remote command (src/facts/batch.ts).
import type { Host } from "../host/host.js";
import { checkError } from "../host/remote-command.js";

export interface Fact<T> {
  /** Names the fact in a batch, in errors (`<name> script <args>`) and in tests. */
  name: string;
  /** POSIX sh run as root with `sh -c SCRIPT NAME ARGS…`: reads only, changes nothing. Exit 0 unless it cannot answer. */
  script: string;
  args: readonly string[];
  /** One line (no newline) the script gets on its standard input: a value that must stay out of process argument
   *  lists on the host (e.g. the digest of a file that holds a secret). */
  input?: string;
  /** Pure: the value, from the script's standard output (and this machine's clock when it ran, in seconds). */
  parse(stdout: string, readAt: number): T;
}

/** The facts a task reads, by the field of its facts object each one fills. */
export type FactsOf<F> = { [K in keyof F]: Fact<F[K]> };

/** One fact's identity: the same fact asked by two tasks is read once. */
export function factKey(f: Fact<unknown>): string {
  return JSON.stringify([f.name, f.script.length, ...f.args]);
}

/** The argv a fact runs as on its own (also what its errors name). */
export function factArgv(f: Fact<unknown>): string[] {
  return ["sh", "-c", f.script, f.name, ...f.args];
}

/** The error of a fact whose script failed: the command named (never its text or output), its error output's tail. */
export function factError(f: Fact<unknown>, code: number, stderr: string, where: string): Error {
  return checkError(factArgv(f), code, stderr, where);
}

/** Read one fact with its own command (apply steps that need one fact now, e.g. Prosody's log sinks before a restart). */
export async function readFact<T>(host: Host, f: Fact<T>): Promise<T> {
  const before = Date.now() / 1000;
  const r = await host.run(factArgv(f), { sudo: true, ...(f.input === undefined ? {} : { stdin: `${f.input}\n` }) });
  if (r.code !== 0) throw factError(f, r.code, r.stderr, host.name);
  return f.parse(r.stdout, (before + Date.now() / 1000) / 2);
}

/** A fact's value from its output and exit code, or the error a failed read or parse is. */
export function settle<T>(f: Fact<T>, out: { code: number; stdout: string; stderr: string }, readAt: number, where: string): { value: T } | { error: Error } {
  if (out.code !== 0) return { error: factError(f, out.code, out.stderr, where) };
  try {
    return { value: f.parse(out.stdout, readAt) };
  } catch (e) {
    return { error: e as Error };
  }
}

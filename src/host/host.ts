// The one interface every task, fact and the verifier use to reach a host.
import type { Duplex } from "node:stream";

/** What a command left behind. A non-zero exit is data, not an exception. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Run through `sudo -n` (as root, or as `user`). */
  sudo?: boolean;
  /** With sudo: the target user (`sudo -n -u USER`). */
  user?: string;
  /** Bytes for the command's standard input (secrets travel here, never in argv). */
  stdin?: string;
  /** Per-command timeout; the default comes from the host's settings. */
  timeoutMs?: number;
  /** Extra environment for the command, passed with `env NAME=VALUE` (never secrets). */
  env?: Record<string, string>;
  /** Sees the command's output as it arrives (text, whole characters, not whole lines); the result still has all of it. */
  onOutput?: (text: string, stream: "stdout" | "stderr") => void;
}

export interface WriteOptions {
  owner: string;
  group: string;
  /** Octal mode, e.g. 0o640. */
  mode: number;
}

export interface FileStat {
  owner: string;
  group: string;
  mode: number;
}

export interface Host {
  /** Inventory name of the host (used in messages). */
  readonly name: string;
  /** Run an argv; it is quoted once, here, at the boundary. */
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** Like run, but throws a HostError naming the command when the exit code is not 0. */
  check(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** Read a file (through sudo when asked); null when it does not exist. */
  readFile(path: string, opts?: { sudo?: boolean }): Promise<string | null>;
  /** Write a file atomically as root: temp file in the same directory, chown/chmod, rename. */
  writeFile(path: string, content: string, opts: WriteOptions): Promise<void>;
  /** Open a TCP stream from the host to address:port (an SSH direct-tcpip channel). */
  forward(address: string, port: number): Promise<Duplex>;
  close(): Promise<void>;
}

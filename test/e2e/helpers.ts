// Helpers for end-to-end tests: run the built CLI as a user would, against sandbox hosts.
import { execa } from "execa";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { INVENTORY_DIR, REPO } from "../sandbox/paths.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout + stderr, for messages. */
  all: string;
}

/**
 * Run `provision ARGS` (the built dist/src/cli.js) from the repository root, with the sandbox's inventory directory
 * (test/sandbox/paths.ts INVENTORY_DIR, never ./inventory) unless `env` names another PROVISION_INVENTORY_DIR.
 */
export async function provision(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await execa("node", [join(REPO, "dist/src/cli.js"), ...args], {
    cwd: REPO,
    reject: false,
    env: { PROVISION_INVENTORY_DIR: INVENTORY_DIR, ...env, FORCE_COLOR: "0" },
    all: true,
    timeout: 600_000,
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, all: r.all ?? "" };
}

export interface TaskLine {
  name: string;
  status: string;
  detail: string;
  /** One line per change. */
  changes: string[];
}

export interface Report {
  host: string;
  ok: boolean;
  changes: number;
  restarts: string[];
  tasks: TaskLine[];
  verification?: { id: string; name: string; ok: boolean; detail: string }[];
  error?: string;
}

/** Read a --report file. */
export function readReport(file: string): Report[] {
  return JSON.parse(readFileSync(file, "utf8")) as Report[];
}

/** The status of one task in a host's report. */
export function status(r: Report, task: string): string | undefined {
  return r.tasks.find((t) => t.name === task)?.status;
}

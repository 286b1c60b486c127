#!/usr/bin/env node
// The one entry point: parse arguments, run, print, and turn typed errors into exit codes.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { TASKS } from "../tasks/index.js";
import { EXIT, EXIT_MEANINGS, ProvisionError, UsageError } from "./errors.js";
import { connectSsh } from "./host/ssh.js";
import { handleInterrupts } from "./interrupt.js";
import { errorText, runHosts, type RunOptions } from "./runner.js";
import { VERIFY_PUBLIC } from "../tasks/verify.js";
import { commandToken, commandVerify } from "./subcommands.js";
import { checkReportPath, finish, loadAll } from "./cli-shared.js";
import { didYouMean } from "./suggest.js";

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];
const positiveInt = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a whole number of at least 1, got '${v}'`);
  return n;
};

/** The version in package.json (found upward from this file: src/ when run from source, dist/src/ when built). */
export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "provision" && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) return "unknown";
    dir = up;
  }
}

/** The exit code table printed at the end of `provision --help` (the README's table, from EXIT_MEANINGS). */
export function exitCodesHelp(): string {
  const lines = Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `  ${code.padEnd(4)} ${meaning}`);
  return `\nExit codes:\n${lines.join("\n")}\n`;
}

/** What a run shares with the process around it. */
export interface MainOptions {
  /** Aborted on Ctrl-C / SIGTERM: the run stops at its next step. */
  signal?: AbortSignal;
}

/** Build the commander program (exported for tests of --help). */
export function program(mainOpts: MainOptions = {}): Command {
  const p = new Command("provision")
    .description("Configure an Arch Linux host as a Jitsi Meet server where only JWT holders open rooms, and prove it.")
    .version(version(), "-V, --version", "print the version")
    .helpCommand("help [command]", "show the help of provision or of a command")
    .addHelpText("afterAll", exitCodesHelp)
    .enablePositionalOptions()
    .option("-H, --host <name>", "inventory name of a host (inventory/<name>.env); repeat for several hosts", collect)
    .option("--check", "plan only: show what would change and change nothing")
    .option("--diff", "show planned file changes as unified diffs (secrets masked)")
    .option("--only <tasks>", "run only these tasks (comma-separated names, see `provision tasks`)", collect)
    .option("--skip <tasks>", "skip these tasks (comma-separated)", collect)
    .option("--report <file>", "write a JSON report of the run")
    .option("--parallel <n>", "hosts provisioned at once", positiveInt("--parallel"), 4)
    .option("--accept-new-host-key", "trust and record the key of a host not yet in known_hosts (a changed key is always refused)")
    .option("--lock-timeout <seconds>", "how long to wait for another run's lock on a host", positiveInt("--lock-timeout"), 120)
    .option("--public", "verify through https://<domain> instead of an SSH tunnel to Prosody")
    .option("--inventory <dir>", "inventory directory (default $PROVISION_INVENTORY_DIR or ./inventory)")
    .addOption(new Option("--no-verify", "skip the verification at the end (same as --skip verify)"))
    .showHelpAfterError("(run provision --help for usage)")
    .allowExcessArguments(true) // a word that is no command is refused below, with "did you mean"
    .exitOverride()
    .action(async (o: RunFlags, cmd: Command) => {
      const [word] = cmd.args;
      if (word !== undefined) {
        const commands = [...cmd.commands.map((c) => c.name()), "help"];
        throw new UsageError(`unknown command '${word}'${didYouMean(word, commands, 3)}`, { fix: `commands: ${commands.join(", ")}; see provision --help` });
      }
      process.exitCode = await commandRun(o, mainOpts.signal);
    });

  p.command("token")
    .description("mint a join link: https://<domain>/<room>?jwt=<token>")
    .requiredOption("-H, --host <name>", "inventory name of the host (one)", collect)
    .requiredOption("--room <room>", "room name (lower case), or '*' for every room")
    .option("--name <name>", "display name (context.user.name)")
    .option("--email <email>", "e-mail (context.user.email)")
    .option("--avatar <url>", "avatar URL (context.user.avatar)")
    .option("--ttl <duration>", "lifetime, e.g. 2h, 30m, 1d", "2h")
    .option("--inventory <dir>", "inventory directory")
    .exitOverride()
    .action(async (o) => {
      process.exitCode = await commandToken(o);
    });

  p.command("verify")
    .description("prove the host works: tokens open rooms, guests wait, everything else is refused")
    .requiredOption("-H, --host <name>", "inventory name of the host", collect)
    .option("--public", "go through https://<domain> instead of an SSH tunnel to Prosody")
    .option("--report <file>", "write a JSON report")
    .option("--accept-new-host-key", "trust and record the key of a host not yet in known_hosts")
    .option("--inventory <dir>", "inventory directory")
    .exitOverride()
    .action(async (o) => {
      process.exitCode = await commandVerify(o);
    });

  p.command("tasks")
    .description("list the tasks in the order they run")
    .exitOverride()
    .action(() => {
      for (const t of TASKS) process.stdout.write(`${t.name.padEnd(12)} ${t.title}\n`);
    });
  return p;
}

export interface RunFlags {
  host?: string[];
  check?: boolean;
  diff?: boolean;
  only?: string[];
  skip?: string[];
  report?: string;
  parallel: number;
  acceptNewHostKey?: boolean;
  lockTimeout: number;
  public?: boolean;
  inventory?: string;
  verify: boolean;
}

function checkTaskNames(names: string[] | undefined, flag: string): void {
  const known = TASKS.map((t) => t.name);
  if (names !== undefined && names.length === 0)
    throw new UsageError(`${flag} needs at least one task name`, { fix: `use names from: ${known.join(", ")}` });
  const bad = (names ?? []).filter((n) => !known.includes(n));
  if (bad.length)
    throw new UsageError(`unknown task name${bad.length > 1 ? "s" : ""} in ${flag}: ${bad.map((n) => `${n}${didYouMean(n, known, 3)}`).join(", ")}`, {
      fix: `use names from: ${known.join(", ")}`,
    });
}

/**
 * Everything about the main command's flags that can be checked before connecting: task names, an empty --only,
 * the --report path, a selection that leaves no task to run (the inventories are checked next, by loadAll). Throws a UsageError (exit 2).
 */
export function checkRunFlags(o: RunFlags): void {
  checkTaskNames(o.only, "--only");
  checkTaskNames(o.skip, "--skip");
  checkReportPath(o.report);
  const opts = runOptions(o);
  const left = TASKS.filter((t) => (!opts.only?.length || opts.only.includes(t.name)) && !(opts.skip ?? []).includes(t.name));
  if (left.length === 0) {
    const why = [o.only ? `--only ${o.only.join(",")}` : "", o.skip?.length ? `--skip ${o.skip.join(",")}` : "", o.check ? "--check (skips verify)" : "", o.verify === false ? "--no-verify" : ""].filter(Boolean);
    throw new UsageError(`nothing left to run: ${why.join(" with ")} selects no task`, { fix: "leave at least one task selected (see provision tasks)" });
  }
}

/** The runner's options for the main command's flags (--public reaches the verify task as a seed fact). */
export function runOptions(o: RunFlags, signal?: AbortSignal): RunOptions {
  return {
    check: Boolean(o.check),
    diff: Boolean(o.diff),
    only: o.only,
    skip: [...(o.skip ?? []), ...(o.verify === false || o.check ? ["verify"] : [])],
    parallel: o.parallel,
    lockTimeoutMs: o.lockTimeout * 1000,
    facts: { [VERIFY_PUBLIC]: o.public === true },
    signal,
  };
}

async function commandRun(o: RunFlags, signal?: AbortSignal): Promise<number> {
  checkRunFlags(o);
  const invs = loadAll(o.host, o.inventory);
  const reports = await runHosts(invs, TASKS, (inv) => connectSsh(inv.name, inv.ssh, { acceptNewHostKey: o.acceptNewHostKey }), runOptions(o, signal));
  return finish(reports, Boolean(o.check), o.report);
}

/** Run the CLI with argv; resolves to the exit code (never calls process.exit itself). */
export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  process.exitCode = 0;
  try {
    await program(opts).parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.help" || e.code === "commander.version") return EXIT.OK;
      return EXIT.USAGE; // commander already printed the message
    }
    process.stderr.write(`provision: ${errorText(e)}\n`);
    if (e instanceof ProvisionError) return e.exitCode;
    return EXIT.INTERNAL;
  }
}

const isMain = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  // Ctrl-C / SIGTERM: the run stops, every host lock is released (bounded time), and the exit code is 130 / 143.
  const controller = new AbortController();
  const running = main(process.argv, { signal: controller.signal });
  handleInterrupts({ controller, settled: running, exit: (code) => process.exit(code), write: (t) => process.stderr.write(t) });
  running.then((code) => {
    // Once interrupted, the interrupt handler exits (after releasing what is still locked).
    if (!controller.signal.aborted) process.exit(code);
  });
}

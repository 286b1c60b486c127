#!/usr/bin/env node
// The one entry point: parse arguments, run, print, and turn typed errors into exit codes.
// Lean start: only commander and small modules load up front; each command imports what it uses when it runs
// (SSH, listr2, the tasks, the verifier, zod, jose), so --help, --version and `help X` load none of them.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import type { RunFlags } from "./cli-run.js";
import { EXIT, EXIT_MEANINGS, ProvisionError, UsageError } from "./errors.js";
import { errorText } from "./output/error-text.js";
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

/** What token and verify share: --inventory, commander's errors thrown, the command's code loaded only when it runs. */
function subcommand(cmd: Command, run: "commandToken" | "commandVerify"): void {
  cmd
    .option("--inventory <dir>", "inventory directory")
    .exitOverride()
    .action(async (o) => {
      const commands = await import("./subcommands.js");
      process.exitCode = await commands[run](o);
    });
}

/** Build the commander program (exported for tests of --help). */
export function program(mainOpts: MainOptions = {}): Command {
  const p = new Command("provision")
    .description("Configure an Arch Linux host as a Jitsi Meet server where only JWT holders open rooms, and prove it.")
    .version(version(), "-V, --version", "print the version")
    .helpCommand("help [command]", "show the help of provision or of a command")
    .addHelpText("afterAll", exitCodesHelp)
    .enablePositionalOptions()
    .option("-H, --host <name>", "inventory name of a host (inventory/<name>.env), or a group (the hosts with GROUP=<name>); repeat for several hosts", collect)
    .option("--check", "plan only: show what would change and change nothing")
    .option("--diff", "show planned file changes as unified diffs (secrets masked)")
    .option("--only <tasks>", "run only these tasks (comma-separated names, see `provision tasks`)", collect)
    .option("--skip <tasks>", "skip these tasks (comma-separated)", collect)
    .option("--report <file>", "write a JSON report of the run")
    .option("--parallel <n>", "hosts provisioned at once", positiveInt("--parallel"), 4)
    .option("--accept-new-host-key", "trust and record the key of a host not yet in known_hosts (a changed key is always refused)")
    .option("-v, --verbose", "stream the output of remote commands (AUR builds, restarts) as it comes, each line with its host; secrets masked")
    .option("--lock-timeout <seconds>", "how long to wait for another run's lock on a host", positiveInt("--lock-timeout"), 120)
    .option("--public", "verify through https://<domain> instead of an SSH tunnel to Prosody")
    .option("--inventory <dir>", "inventory directory (default $PROVISION_INVENTORY_DIR or ./inventory)")
    .addOption(new Option("--no-verify", "skip the verification at the end (same as --skip verify,bridges)"))
    .showHelpAfterError("(run provision --help for usage)")
    .allowExcessArguments(true) // a word that is no command is refused below, with "did you mean"
    .exitOverride()
    .action(async (o: RunFlags, cmd: Command) => {
      const [word] = cmd.args;
      if (word !== undefined) {
        const commands = [...cmd.commands.map((c) => c.name()), "help"];
        throw new UsageError(`unknown command '${word}'${didYouMean(word, commands, 3)}`, { fix: `commands: ${commands.join(", ")}; see provision --help` });
      }
      const { commandRun } = await import("./cli-run.js");
      process.exitCode = await commandRun(o, mainOpts.signal);
    });

  const token = p
    .command("token")
    .description("mint a join link: https://<domain>/<room>?jwt=<token>")
    .requiredOption("-H, --host <name>", "inventory name of the host (one)", collect)
    .requiredOption("--room <room>", "room name (lower case), or '*' for every room")
    .option("--name <name>", "display name (context.user.name)")
    .option("--email <email>", "e-mail (context.user.email)")
    .option("--avatar <url>", "avatar URL (context.user.avatar)")
    .option("--ttl <duration>", "lifetime, e.g. 2h, 30m, 1d", "2h");
  subcommand(token, "commandToken");

  const verify = p
    .command("verify")
    .description("prove the host works: tokens open rooms, guests wait, everything else is refused")
    .requiredOption("-H, --host <name>", "inventory name of the host", collect)
    .option("--public", "go through https://<domain> instead of an SSH tunnel to Prosody")
    .option("--report <file>", "write a JSON report")
    .option("--accept-new-host-key", "trust and record the key of a host not yet in known_hosts");
  subcommand(verify, "commandVerify");

  p.command("tasks")
    .description("list the tasks in the order they run (a videobridge host runs those marked)")
    .exitOverride()
    .action(async () => {
      const { CATALOG, rolesOf } = await import("../tasks/catalog.js");
      for (const t of CATALOG) process.stdout.write(`${t.name.padEnd(12)} ${t.title}${rolesOf(t.name).includes("videobridge") ? " (also on videobridge hosts)" : ""}\n`);
    });

  p.command("hosts")
    .description("list the inventory by deployment: each main host, then its videobridge hosts (role, group, domain, SSH target)")
    .option("--inventory <dir>", "inventory directory")
    .exitOverride()
    .action(async (o: { inventory?: string }) => {
      const { commandHosts } = await import("./hosts-command.js");
      process.exitCode = commandHosts(o);
    });
  return p;
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
  // Loaded beside the run, not before it (it brings the lock code): a signal in the first milliseconds, before any
  // host is reached, ends the process the default way, with nothing to release.
  void import("./interrupt.js").then(({ handleInterrupts }) =>
    handleInterrupts({ controller, settled: running, exit: (code) => process.exit(code), write: (t) => process.stderr.write(t) }),
  );
  running.then((code) => {
    // Once interrupted, the interrupt handler exits (after releasing what is still locked).
    if (!controller.signal.aborted) process.exit(code);
  });
}

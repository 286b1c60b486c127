// Pure builders for what goes over the wire: the one command line per run, the atomic write script, sudo refusals.
import { createHash } from "node:crypto";
import { HostError } from "../errors.js";
import type { RunOptions, WriteOptions } from "./host.js";
import { shellJoin } from "./quote.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ACCOUNT = /^(?:[0-9]+|[A-Za-z_][A-Za-z0-9_.-]*\$?)$/;

/**
 * The argv actually executed for `argv` with these options: `sudo -n [-u USER]`, then `env NAME=VALUE…`,
 * then `timeout -k 5 SECONDS` when a timeout is given.
 * A root login needs no sudo for root (and Arch images may lack sudo); other targets always get it.
 */
export function wrapArgv(argv: readonly string[], opts: Pick<RunOptions, "sudo" | "user" | "env" | "timeoutMs">, loginUser: string): string[] {
  if (argv.length === 0) throw new TypeError("run: empty argv");
  const out: string[] = [];
  if (opts.sudo) {
    const target = opts.user ?? "root";
    if (!ACCOUNT.test(target)) throw new TypeError(`run: invalid sudo user ${JSON.stringify(target)}`);
    if (!(loginUser === "root" && target === "root")) {
      out.push("sudo", "-n");
      if (opts.user !== undefined && opts.user !== "root") out.push("-u", opts.user);
    }
  } else if (opts.user !== undefined) {
    throw new TypeError("run: `user` only makes sense with `sudo: true`");
  }
  const env = Object.entries(opts.env ?? {});
  if (env.length > 0) {
    out.push("env");
    for (const [k, v] of env) {
      if (!ENV_NAME.test(k)) throw new TypeError(`run: invalid environment variable name ${JSON.stringify(k)}`);
      out.push(`${k}=${v}`);
    }
  }
  if (opts.timeoutMs !== undefined) {
    // Enforced on the host too: GNU timeout (running as the target user, inside sudo) kills the whole
    // process group, which the client cannot do for a sudo'd command once the channel is gone.
    if (!(opts.timeoutMs > 0)) throw new TypeError(`run: invalid timeout ${opts.timeoutMs}`);
    out.push("timeout", "-k", "5", String(opts.timeoutMs / 1000));
  }
  out.push(...argv);
  return out;
}

/** Exit codes of GNU timeout when it stopped the command (TERM, then KILL). */
export const TIMEOUT_EXIT_CODES = [124, 137];

/** The single command string sent to the remote login shell. */
export function commandLine(argv: readonly string[], opts: Pick<RunOptions, "sudo" | "user" | "env" | "timeoutMs">, loginUser: string): string {
  return shellJoin(wrapArgv(argv, opts, loginUser));
}

/** Exit status of the write script when the upload arrived incomplete or altered (nothing was installed). */
export const WRITE_INCOMPLETE_EXIT = 65;

/**
 * Atomic write, run as root with writeFileStdin's framing on stdin: a header line `<byte length> <sha256>`, then
 * the content. umask 077, mktemp in the target's directory, copy the rest of stdin, then check its length and
 * SHA-256 against the header (end of input is not end of content: a cut-off upload must never be installed),
 * fsync, chown, chmod, `mv -f -T` over the target. Any failure removes the temp file and leaves the target as it was.
 * Path, owner, group and mode travel as positional parameters, never spliced into the script; the header travels
 * on stdin with the content, so nothing derived from a secret file appears in a process argument list.
 */
export const WRITE_SCRIPT = [
  "set -u",
  "umask 077",
  "target=$1",
  `bad() { printf 'provision-write: %s; nothing was installed, %s is untouched\\n' "$1" "$target" >&2; exit ${WRITE_INCOMPLETE_EXIT}; }`,
  'dir=$(dirname -- "$target") || exit 1',
  'tmp=$(mktemp -- "$dir/.provision-tmp.XXXXXXXXXX") || exit 1',
  "trap 'rm -f -- \"$tmp\"' EXIT",
  "trap 'exit 1' HUP INT TERM PIPE",
  // `read` takes the header byte by byte from the pipe, so cat gets exactly the content that follows.
  "len='' sum=''",
  "IFS=' ' read -r len sum || bad 'the upload ended inside its header line'",
  "case $len in ''|*[!0-9]*) bad 'the upload has no valid header (length)' ;; esac",
  "case $sum in *[!0-9a-f]*) bad 'the upload has no valid header (checksum)' ;; esac",
  "[ ${#sum} -eq 64 ] || bad 'the upload has no valid header (checksum)'",
  'cat >"$tmp" || exit 1',
  'got=$(wc -c <"$tmp" | tr -d " ") || exit 1',
  '[ "$got" = "$len" ] || bad "received $got of $len bytes (the upload was cut off or overran)"',
  'have=$(sha256sum <"$tmp") || exit 1',
  '[ "${have%% *}" = "$sum" ] || bad "the SHA-256 checksum of the $got bytes received does not match the one sent"',
  'sync -- "$tmp" 2>/dev/null || true',
  'chown -- "$2:$3" "$tmp" || exit 1',
  'chmod -- "$4" "$tmp" || exit 1',
  'mv -f -T -- "$tmp" "$target" || exit 1',
  "trap - EXIT",
].join("\n");

/** What writeFile sends on stdin: a header line `<byte length> <sha256 hex>`, then the content itself. */
export function writeFileStdin(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return `${bytes.length} ${createHash("sha256").update(bytes).digest("hex")}\n${content}`;
}

/**
 * What the write script concludes from the bytes it received (a mirror of its checks, for the strict fake):
 * the content to install, or the problem it reports.
 */
export function receiveUpload(received: Buffer): { content: string } | { problem: string } {
  const nl = received.indexOf(0x0a);
  if (nl < 0) return { problem: "the upload ended inside its header line" };
  const [len = "", sum = ""] = received.subarray(0, nl).toString("latin1").split(" ");
  if (!/^[0-9]+$/.test(len)) return { problem: "the upload has no valid header (length)" };
  if (!/^[0-9a-f]{64}$/.test(sum)) return { problem: "the upload has no valid header (checksum)" };
  const body = received.subarray(nl + 1);
  if (String(body.length) !== len) return { problem: `received ${body.length} of ${len} bytes (the upload was cut off or overran)` };
  if (createHash("sha256").update(body).digest("hex") !== sum) return { problem: `the SHA-256 checksum of the ${body.length} bytes received does not match the one sent` };
  return { content: body.toString("utf8") };
}

/** The HostError for a failed write script (exit `code`, its stderr): an incomplete upload says so. */
export function writeError(path: string, opts: WriteOptions, code: number, stderr: string, where: string): HostError {
  if (code === WRITE_INCOMPLETE_EXIT) {
    return new HostError(`the upload of ${path} arrived incomplete or altered, so it was not installed; the old file is untouched`, {
      where,
      lines: lastLines(stderr, 5),
      fix: "check the connection to the host (or what interrupted the run) and run again",
    });
  }
  return new HostError(`cannot write ${path} (owner ${opts.owner}:${opts.group}, mode ${opts.mode.toString(8)}); the old file is untouched`, {
    where,
    lines: lastLines(stderr, 10),
  });
}

/** argv for writeFile (to be run with sudo): `sh -c SCRIPT write PATH OWNER GROUP MODE`. */
export function writeFileArgv(path: string, opts: WriteOptions): string[] {
  if (!path.startsWith("/")) throw new TypeError(`writeFile: path must be absolute, got ${JSON.stringify(path)}`);
  if (path.endsWith("/")) throw new TypeError(`writeFile: path names a directory: ${JSON.stringify(path)}`);
  if (!ACCOUNT.test(opts.owner)) throw new TypeError(`writeFile: invalid owner ${JSON.stringify(opts.owner)}`);
  if (!ACCOUNT.test(opts.group)) throw new TypeError(`writeFile: invalid group ${JSON.stringify(opts.group)}`);
  if (!Number.isInteger(opts.mode) || opts.mode < 0 || opts.mode > 0o7777) throw new TypeError(`writeFile: invalid mode ${opts.mode}`);
  return ["sh", "-c", WRITE_SCRIPT, "write", path, opts.owner, opts.group, opts.mode.toString(8).padStart(4, "0")];
}

/** The last non-empty lines of some output, for error messages. */
export function lastLines(text: string, n = 20): string[] {
  const lines = text.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "");
  return lines.slice(-n);
}

/**
 * sudo's own lines of a refusal, the command named by its label: sudo may quote the whole command it refused
 * ("Sorry, user arch is not allowed to execute '/bin/sh -c <a whole internal script>…'"), and an inline script's
 * text is no use to the operator. Other lines (the script's text continued) are dropped.
 */
function sudoLines(stderr: string, command: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split("\n").map((l) => l.trimEnd())) {
    const sorry = /^(Sorry, user \S+ is not allowed to (?:run|execute) )/.exec(line);
    if (sorry) out.push(`${sorry[1]}\`${command}\``);
    else if (/^sudo: /.test(line) || /^\S+ is not in the sudoers file/.test(line)) out.push(line.length > 200 ? `${line.slice(0, 199)}…` : line);
  }
  return out.slice(-5);
}

/** A HostError when sudo refused to run without a password (or at all); null otherwise. */
export function sudoRefusal(stderr: string, where: string, loginUser: string, command: string): HostError | null {
  if (/^sudo: (a password is required|a terminal is required)/m.test(stderr)) {
    return new HostError(`sudo asks ${loginUser} for a password, so \`${command}\` could not run`, {
      where,
      lines: sudoLines(stderr, command),
      fix: `give ${loginUser} passwordless sudo, e.g. as root: echo '${loginUser} ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/90-provision && chmod 440 /etc/sudoers.d/90-provision`,
    });
  }
  if (/^(sudo: .*|Sorry, user \S+ )(is not in the sudoers file|is not allowed to (run|execute))/m.test(stderr) || /^\S+ is not in the sudoers file/m.test(stderr)) {
    return new HostError(`${loginUser} may not use sudo, so \`${command}\` could not run`, {
      where,
      lines: sudoLines(stderr, command),
      fix: `allow ${loginUser} passwordless sudo, e.g. '${loginUser} ALL=(ALL:ALL) NOPASSWD: ALL' in /etc/sudoers.d/90-provision (mode 440)`,
    });
  }
  return null;
}

/**
 * The HostError for a command `check` found failing: its label and exit code, and its last stderr lines only. Its
 * standard output is never quoted: the commands checked are fact gatherers whose output is data, often file
 * contents (base64 of jicofo.conf, Prosody's account files) that hold secrets.
 */
export function checkError(argv: readonly string[], code: number, stderr: string, where: string): HostError {
  const lines = lastLines(stderr);
  return new HostError(`\`${commandLabel(argv)}\` failed with exit code ${code}`, {
    where,
    lines: lines.length ? lines : ["(no error output; its standard output is not shown, as it may hold file contents)"],
  });
}

/** Longest argument shown as is in a command's label. */
const LABEL_ARG_MAX = 78;

/**
 * How a command is named in messages (failures, timeouts, a lost connection): an inline script
 * `sh -c SCRIPT LABEL ARGS…` shows as `LABEL script ARGS…`, never its text; an argument that is itself a script or
 * program text (several lines) shows as `<N-line text>`, a very long one cut short.
 */
export function commandLabel(argv: readonly string[]): string {
  if (argv[0] === "sh" && argv[1] === "-c" && argv.length >= 4) {
    const args = argv.slice(4).map((a) => {
      const lines = a.split("\n").length;
      if (lines > 1) return `<${lines}-line text>`;
      return a.length > LABEL_ARG_MAX ? `${a.slice(0, LABEL_ARG_MAX - 1)}…` : a;
    });
    return [`${argv[3]} script`, ...args].join(" ");
  }
  return argv.join(" ");
}

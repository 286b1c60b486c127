// The one shell-escaping function: POSIX single-quote style, used for every command sent to a host.

/** Characters that never need quoting in any position of a POSIX shell word. `=` is left out (a bare
 * first word `A=b` would be an assignment) and so are `~`, `*`, `?`, `[`, `#`, `!` and the rest. */
const SAFE = /^[A-Za-z0-9_\-+.,:/@%]+$/;

/** Quote one argument so a POSIX shell (sh, dash, bash, zsh) passes it through as exactly one word. */
export function shellQuote(arg: string): string {
  if (typeof arg !== "string") throw new TypeError(`shellQuote: expected a string, got ${typeof arg}`);
  if (arg.includes("\0")) {
    // A C string (argv entry) cannot contain NUL: no quoting can deliver it.
    throw new TypeError("shellQuote: an argument contains a NUL byte, which cannot be passed to a command");
  }
  if (arg === "") return "''";
  if (SAFE.test(arg)) return arg;
  // Inside single quotes everything is literal except the quote itself: close, add \', reopen.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Quote every argument and join them with spaces: one command string for `sh -c`. */
export function shellJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError("shellJoin: empty argv");
  return argv.map(shellQuote).join(" ");
}

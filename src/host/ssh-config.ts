// OpenSSH client config (ssh_config(5)): the subset provision honours, looked up for one host name (pure: I/O injected).
//
// Supported: Host blocks (patterns with `*`, `?` and `!`), `Match all`, Include (paths, `~`, `*`/`?` in the last
// component), `keyword value` and `keyword=value`, double quotes; first value wins (as in OpenSSH). Read: HostName,
// User, Port, IdentityFile (the first one), ProxyJump, and ProxyCommand (only to refuse it). Other Match criteria
// are not evaluated: their blocks are skipped. Every other keyword is ignored.

/** One setting as found: its value and where (for error messages that point at the line). */
export interface ConfigValue {
  value: string;
  file: string;
  line: number;
}

/** The settings that apply to one host name. */
export interface HostConfig {
  hostName?: ConfigValue;
  user?: ConfigValue;
  port?: ConfigValue;
  identityFile?: ConfigValue;
  proxyJump?: ConfigValue;
  proxyCommand?: ConfigValue;
}

/** File access for the lookup: `read` returns null for a missing file; `list` the names in a directory (or null). */
export interface ConfigIO {
  read(path: string): string | null;
  list(dir: string): string[] | null;
  /** The user's home directory (`~`); relative Include paths are taken from `<home>/.ssh`, as OpenSSH does. */
  home: string;
}

/** A config that cannot be read as provision reads it: the message names the file and line. */
export class SshConfigError extends Error {}

const KEYS: Record<string, keyof HostConfig> = {
  hostname: "hostName",
  user: "user",
  port: "port",
  identityfile: "identityFile",
  proxyjump: "proxyJump",
  proxycommand: "proxyCommand",
};

const MAX_INCLUDE_DEPTH = 16;

/** Split a line into keyword and arguments: `Key value`, `Key=value`, `Key = "a b"`; null for blank and comment lines. */
export function splitLine(raw: string): { key: string; args: string[] } | null {
  const line = raw.trim();
  if (line === "" || line.startsWith("#")) return null;
  const m = /^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$/.exec(line) ?? /^([A-Za-z][A-Za-z0-9]*)()$/.exec(line);
  if (!m) return { key: "", args: [line] };
  const args: string[] = [];
  const rest = m[2] ?? "";
  const re = /"([^"]*)"|(\S+)/g;
  for (let t = re.exec(rest); t; t = re.exec(rest)) {
    if (t[2]?.startsWith("#")) break; // a trailing comment
    args.push(t[1] ?? t[2] ?? "");
  }
  return { key: m[1]!.toLowerCase(), args };
}

/** OpenSSH pattern: `*` any run, `?` one character, case-insensitive. */
export function patternMatches(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "is").test(name);
}

/** A Host line's patterns against a name: some plain pattern matches and no `!pattern` does. */
export function hostMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith("!")) {
      if (patternMatches(p.slice(1), name)) return false;
    } else if (patternMatches(p, name)) matched = true;
  }
  return matched;
}

/** Expand `~/` to the home directory. */
function tilde(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? `${home}${path.slice(1)}` : path;
}

/** The files an Include argument names, sorted (glob characters only in the last path component). */
function includeFiles(arg: string, io: ConfigIO, where: string): string[] {
  let path = tilde(arg, io.home);
  if (!path.startsWith("/")) path = `${io.home}/.ssh/${path}`;
  const cut = path.lastIndexOf("/");
  const dir = path.slice(0, cut) || "/";
  const base = path.slice(cut + 1);
  if (/[*?[]/.test(dir) || base.includes("["))
    throw new SshConfigError(`${where}: Include ${arg}: only * and ? in the file name are supported (not in directories, no [...])`);
  if (!/[*?]/.test(base)) return [path];
  return (io.list(dir) ?? [])
    .filter((n) => !n.startsWith(".") && patternMatches(base, n))
    .sort()
    .map((n) => `${dir === "/" ? "" : dir}/${n}`);
}

/**
 * The settings that apply to `host` (the name as the operator gave it, before HostName) in `file` and what it
 * includes. A missing top file is an empty config; a missing included file is skipped (as OpenSSH does).
 */
export function lookupHostConfig(host: string, file: string, io: ConfigIO): HostConfig {
  const out: HostConfig = {};
  const walk = (path: string, active: boolean, depth: number): void => {
    const text = io.read(path);
    if (text === null) return;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const parsed = splitLine(lines[i]!);
      if (!parsed) continue;
      const where = `${path}:${i + 1}`;
      const { key, args } = parsed;
      if (key === "") throw new SshConfigError(`${where}: cannot read this line: ${lines[i]!.trim()}`);
      if (key === "host") {
        active = hostMatches(args, host);
      } else if (key === "match") {
        active = args.length === 1 && args[0]!.toLowerCase() === "all";
      } else if (key === "include") {
        if (!active) continue;
        if (depth >= MAX_INCLUDE_DEPTH) throw new SshConfigError(`${where}: Include nested more than ${MAX_INCLUDE_DEPTH} deep`);
        // The included file starts with this file's state; a Host line inside it does not change this file's.
        for (const arg of args) for (const f of includeFiles(arg, io, where)) walk(f, active, depth + 1);
      } else if (active && key in KEYS) {
        const name = KEYS[key]!;
        if (out[name] === undefined) {
          if (args.length === 0) throw new SshConfigError(`${where}: ${key} needs a value`);
          // ProxyCommand takes the rest of the line; the others one argument (IdentityFile: the first file wins).
          out[name] = { value: name === "proxyCommand" ? args.join(" ") : args[0]!, file: path, line: i + 1 };
        }
      }
    }
  };
  walk(file, true, 0);
  return out;
}

/**
 * Expand OpenSSH `%` tokens in a value (`%%` and the given ones, e.g. h = host name); an unsupported token is an
 * error naming the setting and the tokens that are supported.
 */
export function expandTokens(v: ConfigValue, keyword: string, tokens: Record<string, string>): string {
  return v.value.replace(/%(.)/g, (_, t: string) => {
    if (t === "%") return "%";
    const r = tokens[t];
    if (r === undefined)
      throw new SshConfigError(`${v.file}:${v.line}: ${keyword} uses %${t}, which provision does not expand (supported: ${Object.keys(tokens).map((k) => `%${k}`).join(" ")} %%)`);
    return r;
  });
}

// Parse the output of `vagrant ssh-config` into what the inventory needs (pure).
import { ProvisionError } from "../../src/errors.js";

/** Where and how to reach the VM over SSH. */
export interface VagrantSshConfig {
  host: string;
  port: number;
  user: string;
  /** The first IdentityFile: the one ssh would try first. */
  identityFile: string;
  /** Every IdentityFile in order (Vagrant may list several insecure keys before it inserts its own). */
  identityFiles: string[];
}

const WHERE = "vagrant ssh-config";
const FIX = "check that the VM is running (`vagrant status` in vagrant/) and that `vagrant ssh-config` prints a Host block";

/**
 * Split one ssh_config line into words the way OpenSSH does (misc.c argv_split): whitespace
 * separates, "double" and 'single' quotes group, a backslash escapes a quote or a backslash
 * (and, outside quotes, a space); any other backslash is kept (Windows paths).
 */
export function splitSshConfigWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const next = line[i + 1];
    if (c === "\\" && next !== undefined && (next === '"' || next === "'" || next === "\\" || (quote === null && next === " "))) {
      cur += next;
      inWord = true;
      i++;
    } else if (quote !== null) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new ProvisionError(`unterminated quote in line: ${line.trim()}`, { where: WHERE, fix: FIX });
  if (inWord) words.push(cur);
  return words;
}

interface Block {
  patterns: string[];
  options: Map<string, string[]>;
}

/** Split the text into Host blocks; lines before the first Host and lines that are not `Keyword value` are ignored. */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const words = splitSshConfigWords(m[2]!);
    if (key === "host") {
      out.push({ patterns: words, options: new Map() });
      continue;
    }
    const block = out[out.length - 1];
    if (!block || words.length === 0) continue;
    const list = block.options.get(key) ?? [];
    // IdentityFile accumulates; for every other option the first value wins (as in ssh).
    list.push(words[0]!);
    block.options.set(key, list);
  }
  return out;
}

/** Parse `vagrant ssh-config` output for one machine (default: `default`, or the only Host block). */
export function parseSshConfig(text: string, machine = "default"): VagrantSshConfig {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const all = blocks(text);
  if (all.length === 0)
    throw new ProvisionError("no `Host` block in the output of vagrant ssh-config", { where: WHERE, lines, fix: FIX });
  const block = all.find((b) => b.patterns.includes(machine)) ?? (all.length === 1 ? all[0] : undefined);
  if (!block)
    throw new ProvisionError(`no Host block for machine '${machine}' (found: ${all.map((b) => b.patterns.join(" ")).join(", ")})`, {
      where: WHERE,
      lines,
      fix: "the Vagrantfile should define one machine; pass its name",
    });

  const first = (k: string) => block.options.get(k)?.[0];
  const problems: string[] = [];
  for (const [key, label] of [
    ["hostname", "HostName"],
    ["user", "User"],
    ["port", "Port"],
    ["identityfile", "IdentityFile"],
  ] as const) {
    if (first(key) === undefined) problems.push(`${label} is missing`);
  }
  for (const [key, label] of [
    ["proxycommand", "ProxyCommand"],
    ["proxyjump", "ProxyJump"],
  ] as const) {
    if (first(key) !== undefined && first(key)!.toLowerCase() !== "none")
      problems.push(`${label} is set: provision connects directly and cannot go through it`);
  }
  const portText = first("port");
  const port = portText === undefined ? NaN : Number(portText);
  if (portText !== undefined && !(/^\d+$/.test(portText) && port >= 1 && port <= 65535))
    problems.push(`Port ${JSON.stringify(portText)} is not a port number`);
  if (problems.length > 0) {
    const include = block.options.has("include") ? " (an Include file may hold it: provision does not follow Include)" : "";
    throw new ProvisionError(`cannot use the output of vagrant ssh-config: ${problems.join("; ")}${include}`, {
      where: WHERE,
      lines,
      fix: FIX,
    });
  }
  const identityFiles = block.options.get("identityfile")!;
  return { host: first("hostname")!, port, user: first("user")!, identityFile: identityFiles[0]!, identityFiles };
}

/** The IdentityFile to write into the inventory: the first that exists (as ssh would use it), else the first listed. */
export function pickIdentityFile(cfg: VagrantSshConfig, exists: (path: string) => boolean): string {
  return cfg.identityFiles.find((f) => exists(f)) ?? cfg.identityFile;
}

// Ansible beside provision: installs Debian's ansible-core when missing, reads the files provision manages from a
// provisioned sandbox host (path, content, owner, group, mode) into the vars of scripts/bench/ansible/playbook.yml,
// and runs that playbook against the same host.
import { execa } from "execa";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO } from "../../test/sandbox/paths.js";
import type { SandboxHost } from "../../test/sandbox/host.js";
import { BenchError } from "./options.js";
import { ansibleRecap, ansibleSshExecs } from "./report.js";
import { timed, type Timed } from "./run.js";

const DIR = join(REPO, "scripts", "bench", "ansible");

/** ansible-playbook's version, installing Debian's ansible-core with apt first when it is missing. */
export async function ensureAnsible(say: (m: string) => void): Promise<string> {
  const probe = async () => execa("ansible-playbook", ["--version"], { reject: false });
  let v = await probe().catch(() => undefined);
  if (!v || v.exitCode !== 0) {
    say("ansible-playbook is missing: apt-get install -y ansible-core");
    const r = await execa("apt-get", ["install", "-y", "ansible-core"], { reject: false, all: true, env: { DEBIAN_FRONTEND: "noninteractive" } });
    if (r.exitCode !== 0) throw new BenchError(`apt-get install -y ansible-core failed (exit ${r.exitCode}):\n${String(r.all).split("\n").slice(-10).join("\n")}\nfix: install it by hand, or run the bench with --no-ansible`);
    v = await probe();
  }
  return String(v.stdout).split("\n")[0]!.trim();
}

/** One managed file as the playbook's `copy` gets it. */
export interface ManagedFile {
  path: string;
  content: string;
  owner: string;
  group: string;
  mode: string;
}

/** The files provision manages on a host serving `domain` (those that exist there), grouped by the service they feed. */
export function managedPaths(domain: string, p: Record<string, string>): Record<"prosody" | "jicofo" | "videobridge" | "nginx" | "web", string[]> {
  const certs = [domain, `auth.${domain}`].flatMap((d) => [`${p.certDir}/${d}.crt`, `${p.certDir}/${d}.key`]);
  return {
    prosody: [p.prosodyMain!, `${p.prosodyConfD}/${domain}.cfg.lua`, ...certs],
    jicofo: [p.jicofoConf!, p.jicofoProvisionConf!].filter(Boolean),
    videobridge: [p.jvbConf!, p.jvbProvisionConf!].filter(Boolean),
    nginx: [p.nginxConf!, `${p.nginxSites}/${domain}.conf`],
    web: [p.configJs!],
  };
}

/** Read each path (as root, inside the host): content, owner, group, octal mode; paths that do not exist are left out. */
export async function readManaged(h: SandboxHost, paths: string[]): Promise<ManagedFile[]> {
  const out: ManagedFile[] = [];
  for (const path of paths) {
    const r = await h.exec(`f=${JSON.stringify(path)}; [ -f "$f" ] || exit 3; stat -c '%U %G %a' -- "$f"; base64 -w0 -- "$f"`);
    if (r.code === 3) continue;
    if (r.code !== 0) throw new BenchError(`cannot read ${path} on ${h.name}: ${r.stderr.trim()}`);
    const [meta, b64 = ""] = r.stdout.split("\n");
    const [owner, group, mode] = meta!.split(" ");
    out.push({ path, content: Buffer.from(b64, "base64").toString("utf8"), owner: owner!, group: group!, mode: `0${mode}`.slice(-4) });
  }
  return out;
}

/** Prosody's account file for user@host (its data directory encodes '.' and '-' in the host name). */
export function accountFile(user: string, host: string): string {
  const enc = host.replace(/[.-]/g, (c) => (c === "." ? "%2e" : "%2d"));
  return `/var/lib/prosody/${enc}/accounts/${user}.dat`;
}

/** A password set in one of our HOCON files (`...password = "x"`), for the accounts' `prosodyctl register`. */
export function passwordIn(files: ManagedFile[]): string {
  for (const f of files) {
    const m = /password\s*[=:]\s*"((?:[^"\\]|\\.)*)"/.exec(f.content);
    if (m) return JSON.parse(`"${m[1]}"`) as string;
  }
  return "never-used-in-a-no-change-run";
}

/**
 * The playbook's vars as YAML. Every string is a JSON string (valid YAML) tagged !unsafe, so Ansible never
 * templates a `{{` inside a config file.
 */
export function varsYaml(v: { packages: string[]; files: Record<string, ManagedFile[]>; accounts: { user: string; host: string; password: string; datafile: string }[] }): string {
  const q = (s: string) => `!unsafe ${JSON.stringify(s)}`;
  const lines = ["bench_packages:", ...v.packages.map((p) => `  - ${q(p)}`), "bench_files:"];
  for (const [group, files] of Object.entries(v.files)) {
    lines.push(`  ${group}:${files.length ? "" : " []"}`);
    for (const f of files) lines.push(`    - path: ${q(f.path)}`, `      content: ${q(f.content)}`, `      owner: ${q(f.owner)}`, `      group: ${q(f.group)}`, `      mode: ${q(f.mode)}`);
  }
  lines.push("bench_accounts:");
  for (const a of v.accounts) lines.push(`  - user: ${q(a.user)}`, `    host: ${q(a.host)}`, `    password: ${q(a.password)}`, `    datafile: ${q(a.datafile)}`);
  return lines.join("\n") + "\n";
}

/** The Ansible inventory for sandbox hosts: key, known-hosts file and address as the sandbox gives them. */
export function inventoryIni(hosts: SandboxHost[]): string {
  const lines = ["[jitsi]"];
  for (const h of hosts)
    lines.push(`${h.name} ansible_host=${h.ip} ansible_user=arch ansible_ssh_private_key_file=${h.keyFile} ansible_ssh_common_args='-o UserKnownHostsFile=${h.knownHostsFile}'`);
  return lines.join("\n") + "\n";
}

export interface AnsibleSetup {
  inventory: string;
  vars: string;
  files: number;
}

/** Write the inventory and the vars (mode 0600: they hold the secrets of the managed files) into `tmp`. */
export async function prepareAnsible(h: SandboxHost, domain: string, paths: Record<string, string>, packages: string[], tmp: string): Promise<AnsibleSetup> {
  const groups = managedPaths(domain, paths);
  const files: Record<string, ManagedFile[]> = {};
  for (const [g, list] of Object.entries(groups)) files[g] = await readManaged(h, list);
  const accounts = [
    { user: "focus", host: `auth.${domain}`, password: passwordIn(files.jicofo!), datafile: accountFile("focus", `auth.${domain}`) },
    { user: "jvb", host: `auth.${domain}`, password: passwordIn(files.videobridge!), datafile: accountFile("jvb", `auth.${domain}`) },
  ];
  const missing = [];
  for (const a of accounts) if ((await h.exec(`test -f '${a.datafile}'`)).code !== 0) missing.push(a.datafile);
  if (missing.length) throw new BenchError(`the playbook's account check would register again: ${missing.join(", ")} missing on ${h.name}`);
  const inventory = join(tmp, "ansible-hosts.ini");
  const vars = join(tmp, "ansible-vars.yml");
  await writeFile(inventory, inventoryIni([h]), { mode: 0o600 });
  await writeFile(vars, varsYaml({ packages, files, accounts }), { mode: 0o600 });
  return { inventory, vars, files: Object.values(files).flat().length };
}

export interface AnsibleRun extends Timed {
  changed: number;
  execs?: number;
  tasks?: number;
}

/** `ansible-playbook` once; a failure, or a change in a run meant to change nothing, is a BenchError. */
export async function runAnsible(s: AnsibleSetup, tmp: string, o: { count?: boolean } = {}): Promise<AnsibleRun> {
  const args = ["-i", s.inventory, "-e", `@${s.vars}`, join(DIR, "playbook.yml"), ...(o.count ? ["-vvv"] : [])];
  const r = await timed("ansible-playbook", args, tmp, { ANSIBLE_CONFIG: join(DIR, "ansible.cfg"), ANSIBLE_NOCOLOR: "1" });
  const recap = ansibleRecap(r.stdout);
  if (r.exitCode !== 0 || recap.failed > 0) throw new BenchError(`ansible-playbook exited ${r.exitCode}:\n${r.all.split("\n").slice(-30).join("\n")}`);
  const counted = o.count ? ansibleSshExecs(r.all) : undefined;
  return { ...r, changed: recap.changed, execs: counted?.execs, tasks: counted?.tasks };
}

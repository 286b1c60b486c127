// `provision hosts`: the inventory by deployment (main host, then its bridges), invalid hosts shown, never refused.
import { EXIT } from "./errors.js";
import { deploymentProblems, scanInventory, type HostSketch } from "./fleet.js";
import { inventoryDir, loadInventory } from "./inventory.js";
import type { Inventory } from "./inventory-types.js";

export interface HostsFlags {
  inventory?: string;
}

/** The SSH target as ssh would be told it: user@host:port, and the jump hosts. */
function target(ssh: Inventory["ssh"]): string {
  const hop = (h: { user: string; host: string; port: number }) => `${h.user}@${h.host.includes(":") ? `[${h.host}]` : h.host}:${h.port}`;
  return `${hop(ssh)}${ssh.jump?.length ? ` via ${ssh.jump.map(hop).join(",")}` : ""}`;
}

/** One line of a problem: the first line of the error's list, else its message. */
function firstProblem(e: unknown): string {
  const err = e as { lines?: string[]; message?: string };
  return err.lines?.[0] ?? err.message ?? String(e);
}

/**
 * The listing: one block per deployment (domain), its main host(s) first, then its videobridge hosts, by name;
 * deployments in the order of their first host's name; hosts whose ROLE is neither main nor videobridge go with
 * their domain. A host whose inventory is invalid shows `invalid: <first problem>` in place of its SSH target;
 * a deployment's problems (no main host, two main hosts, a shared nickname) follow its block, each after `!`.
 */
export function formatHosts(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  const hosts = scanInventory(dir, env);
  if (hosts.length === 0) return `no hosts in ${dir}: add inventory/<name>.env files (see example.env)\n`;
  const domains: string[] = [];
  for (const h of hosts) if (!domains.includes(h.domain)) domains.push(h.domain);
  const rank = (h: HostSketch) => (h.role === "main" ? 0 : h.role === "videobridge" ? 1 : 2);
  const rows: string[][] = [["name", "role", "group", "domain", "ssh"]];
  const notes = new Map<number, string[]>(); // row index after which a deployment's problems are printed
  for (const domain of domains) {
    const members = hosts.filter((h) => h.domain === domain).sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : 1));
    if (rows.length > 1) rows.push([]);
    for (const h of members) {
      let ssh: string;
      try {
        ssh = target(loadInventory(h.name, { dir, env }).ssh);
      } catch (e) {
        ssh = `invalid: ${firstProblem(e)}`;
      }
      rows.push([h.name, h.role, h.group ?? "-", h.domain, ssh]);
    }
    const problems = deploymentProblems(domain, hosts, dir).map((p) => `! ${p.message}`);
    if (problems.length > 0) notes.set(rows.length - 1, problems);
  }
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  const out: string[] = [];
  rows.forEach((r, i) => {
    out.push(r.length === 0 ? "" : r.map((cell, c) => (c < 4 ? cell.padEnd(widths[c]!) : cell)).join("  "));
    for (const n of notes.get(i) ?? []) out.push(n);
  });
  return `${out.join("\n")}\n`;
}

/** Print the listing; exit 0 (an invalid host is listed, not refused). */
export function commandHosts(o: HostsFlags): number {
  process.stdout.write(formatHosts(inventoryDir({ dir: o.inventory })));
  return EXIT.OK;
}

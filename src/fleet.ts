// Deployments: a main host and the videobridge hosts that share its JITSI_DOMAIN, resolved from the whole inventory.
import { join } from "node:path";
import { bridgeAccount } from "./bridge-account.js";
import { UsageError } from "./errors.js";
import { hostNames, readInventoryFiles } from "./inventory-files.js";
import { inventoryDir, loadInventoryWithSources } from "./inventory.js";
import type { BridgeRef, Inventory } from "./inventory-types.js";

/** What the inventory says of a host's place in its deployment, read leniently (a broken file refuses nothing here). */
export interface HostSketch {
  name: string;
  /** ROLE as written (default main); a value that is neither main nor videobridge joins no deployment. */
  role: string;
  /** JITSI_DOMAIN (default: the name). */
  domain: string;
  group?: string;
  /** JVB_NICKNAME (default: the name lower-cased). */
  nickname: string;
}

/**
 * Every host of the inventory directory, read through the same precedence chain as loadInventory
 * (defaults < group < host < secrets < environment) but without validation, sorted by name.
 */
export function scanInventory(dir: string, env: NodeJS.ProcessEnv = process.env): HostSketch[] {
  return hostNames(dir).map((name) => {
    let raw: Record<string, string> = {};
    try {
      raw = readInventoryFiles(name, dir, env).raw;
    } catch {
      // unreadable: its defaults; loading it (if it is in the run) says what is wrong
    }
    return { name, role: raw.ROLE || "main", domain: raw.JITSI_DOMAIN || name, group: raw.GROUP || undefined, nickname: raw.JVB_NICKNAME || name.toLowerCase() };
  });
}

/**
 * The hosts named on the command line: a name with no inventory/<name>.env that is the GROUP of hosts stands for
 * them (in name order); a name that is both a host and a group is refused; duplicates collapse. Unknown names are
 * kept (loading them says what is missing).
 */
export function expandHosts(names: string[], hosts: HostSketch[], dir: string): string[] {
  const out: string[] = [];
  const both: string[] = [];
  for (const n of names) {
    const members = hosts.filter((h) => h.group === n).map((h) => h.name);
    if (members.length === 0) out.push(n);
    else if (hosts.some((h) => h.name === n)) both.push(`'${n}' is the host ${join(dir, `${n}.env`)} and the group of ${members.join(", ")} (GROUP=${n})`);
    else out.push(...members);
  }
  if (both.length > 0)
    throw new UsageError(`--host ${both.length === 1 ? "names" : "name"} both a host and a group`, {
      lines: both,
      fix: "give the group another name (GROUP=… in its hosts' files, and its inventory/groups/ file), or rename the host file, so that a name means one thing",
    });
  return [...new Set(out)];
}

/** The videobridge hosts of a deployment, as its main host expects them: sorted by name, account jvb-<name>. */
export function bridgeRefs(domain: string, hosts: HostSketch[]): BridgeRef[] {
  return hosts
    .filter((h) => h.role === "videobridge" && h.domain === domain)
    .map((h) => ({ name: h.name, nickname: h.nickname, account: bridgeAccount(h.name) }));
}

/**
 * What is wrong with the deployment of `domain`, each problem a UsageError naming the hosts and the fix: no main host
 * for its bridges, two main hosts, two hosts (bridges, or a bridge and the main host's own) with one brewery nickname.
 */
export function deploymentProblems(domain: string, hosts: HostSketch[], dir: string): UsageError[] {
  const mains = hosts.filter((h) => h.role === "main" && h.domain === domain);
  const bridges = hosts.filter((h) => h.role === "videobridge" && h.domain === domain);
  const problems: UsageError[] = [];
  if (mains.length === 0 && bridges.length > 0)
    problems.push(
      new UsageError(`videobridge host${bridges.length > 1 ? "s" : ""} ${bridges.map((b) => b.name).join(", ")}: JITSI_DOMAIN=${domain} names no main host in the inventory (${dir})`, {
        fix: `set JITSI_DOMAIN to the domain of the bridge's main host (provision hosts lists them), or add the main host's inventory (ROLE=main, JITSI_DOMAIN=${domain})`,
      }),
    );
  if (mains.length > 1)
    problems.push(
      new UsageError(`${mains.map((m) => m.name).join(", ")} are all main hosts of JITSI_DOMAIN=${domain}: a deployment has one`, {
        fix: "set ROLE=videobridge on the hosts that are bridges, or give each main host its own JITSI_DOMAIN",
      }),
    );
  const byNick = new Map<string, string[]>();
  for (const h of [...mains, ...bridges]) byNick.set(h.nickname, [...(byNick.get(h.nickname) ?? []), h.name]);
  for (const [nick, names] of byNick)
    if (names.length > 1)
      problems.push(
        new UsageError(`${names.join(", ")} (deployment ${domain}) share the brewery nickname '${nick}': bridges with one nickname evict each other`, {
          fix: `give each its own JVB_NICKNAME (in ${names.map((n) => join(dir, `${n}.env`)).join(", ")}), or remove a JVB_NICKNAME shared through defaults.env or a group file`,
        }),
      );
  return problems;
}

/** The hosts of a run and the main hosts of the deployments it touches. */
export interface Fleet {
  /** The hosts to provision: main hosts first, then videobridge hosts, each in command-line order. */
  run: Inventory[];
  /** The main host of every deployment the run touches, in the run or not (a bridge's `main` is one of these). */
  mains: Inventory[];
}

/**
 * Load the hosts named by --host (host or group names, see expandHosts) as deployments: a main host (ROLE=main) and
 * the videobridge hosts with its JITSI_DOMAIN, found by scanning the whole inventory directory.
 * - a main host's `bridges`: every ROLE=videobridge host of the inventory with its JITSI_DOMAIN, by name (in the run or not);
 * - a bridge's `main`: its main host's inventory name; its `jwt`: the main host's (a bridge mints nothing);
 * - a main host not in the run that a bridge of the run needs is loaded (and validated) too, and listed in `mains`.
 * Refused with one UsageError (exit 2) listing every problem of every host, before any connection: invalid inventories,
 * a bridge whose JITSI_DOMAIN names no main host, two main hosts of one domain, two hosts of a deployment with one
 * JVB_NICKNAME, a bridge setting a JWT_APP_SECRET other than its main host's.
 */
export function loadFleet(names: string[] | undefined, dirOpt?: string, env: NodeJS.ProcessEnv = process.env): Fleet {
  if (!names || names.length === 0)
    throw new UsageError("no host given", { fix: "name at least one host: provision --host <name> (inventory/<name>.env), or a group" });
  const dir = inventoryDir({ dir: dirOpt, env });
  const hosts = scanInventory(dir, env);
  const wanted = expandHosts(names, hosts, dir);
  const errors: UsageError[] = [];
  const loaded = new Map<string, ReturnType<typeof loadInventoryWithSources> | undefined>();
  const load = (n: string) => {
    if (!loaded.has(n)) {
      try {
        loaded.set(n, loadInventoryWithSources(n, { dir, env }));
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        errors.push(e);
        loaded.set(n, undefined);
      }
    }
    return loaded.get(n);
  };
  for (const n of wanted) load(n);
  const run = wanted.map((n) => loaded.get(n)?.inv).filter((i): i is Inventory => i !== undefined);
  const mains: Inventory[] = [];
  const domains = [...new Set(run.map((i) => i.jitsi.domain))];
  for (const domain of domains) {
    const problems = deploymentProblems(domain, hosts, dir);
    errors.push(...problems);
    const mainName = hosts.find((h) => h.role === "main" && h.domain === domain)?.name;
    if (mainName === undefined || problems.length > 0) continue;
    const main = load(mainName);
    if (main === undefined) continue;
    main.inv.bridges = bridgeRefs(domain, hosts);
    mains.push(main.inv);
    for (const b of run.filter((i) => i.role === "videobridge" && i.jitsi.domain === domain)) {
      const own = loaded.get(b.name)!.from.JWT_APP_SECRET;
      if (b.jwt.appSecret !== "" && b.jwt.appSecret !== main.inv.jwt.appSecret)
        errors.push(
          new UsageError(`videobridge host ${b.name} sets a JWT_APP_SECRET other than its main host ${main.inv.name}'s`, {
            lines: [`${b.name}: JWT_APP_SECRET from the ${own}`, `${main.inv.name}: JWT_APP_SECRET from the ${main.from.JWT_APP_SECRET}`],
            fix: `remove JWT_APP_SECRET from the ${own} (a videobridge host takes its main host's), or make the two equal`,
          }),
        );
      b.main = main.inv.name;
      b.jwt = { ...main.inv.jwt };
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new UsageError(`${errors.length} problems in the inventory`, { lines: errors.flatMap((e) => e.format().split("\n")) });
  return { run: [...run.filter((i) => i.role === "main"), ...run.filter((i) => i.role !== "main")], mains };
}

/** The inventory name of a videobridge host's main host (the ROLE=main host with its JITSI_DOMAIN), if there is one. */
export function mainHostOf(inv: Inventory, dirOpt?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (inv.main !== undefined) return inv.main;
  return scanInventory(inventoryDir({ dir: dirOpt, env }), env).find((h) => h.role === "main" && h.domain === inv.jitsi.domain)?.name;
}

/** Refuse a videobridge host where a command runs against main hosts only (token, verify): exit 2, naming its main host. */
export function refuseBridge(inv: Inventory, command: string, main: string | undefined): void {
  if (inv.role !== "videobridge") return;
  throw new UsageError(`${inv.name} is a videobridge host: provision ${command} runs against its deployment's main host`, {
    fix: main ? `run it against ${main}: provision ${command} --host ${main}` : `run it against the main host of ${inv.jitsi.domain} (ROLE=main, JITSI_DOMAIN=${inv.jitsi.domain}); none is in the inventory`,
  });
}

// Handlers: restart each notified service once, in dependency order (validated first, rolled back on failure: src/restart.ts).
import { bridgeLog, type BridgeLogState } from "../src/facts/bridge-log.js";
import { serviceFreshness, type ServiceFreshness } from "../src/facts/service-freshness.js";
import type { Inventory } from "../src/inventory-types.js";
import { prosodyConfigPath } from "../src/render/prosody.js";
import { nginxSitePath } from "../src/render/nginx.js";
import { PATHS, ROLE_STACK, UNIT_ORDER, UNITS } from "../src/platform.js";
import type { Task } from "../src/task.js";
import { titleOf } from "./catalog.js";

/** The files each service reads that provision manages (or edits): a newer one means the service must restart. */
export function serviceFiles(inv: Inventory): Map<string, string[]> {
  const bridge = [PATHS.jvbConf, PATHS.jvbProvisionConf, PATHS.jvbSipProperties];
  if (inv.role === "videobridge") return new Map([[UNITS.videobridge, bridge]]);
  const d = inv.jitsi.domain;
  const certs = [d, `auth.${d}`].flatMap((h) => [`${PATHS.certDir}/${h}.crt`, `${PATHS.certDir}/${h}.key`]);
  return new Map([
    [UNITS.prosody, [PATHS.prosodyMain, prosodyConfigPath(d), ...certs]],
    [UNITS.jicofo, [PATHS.jicofoConf, PATHS.jicofoProvisionConf]],
    [UNITS.videobridge, bridge],
    [UNITS.nginx, [PATHS.nginxConf, nginxSitePath(d), `${PATHS.certDir}/${d}.crt`, `${PATHS.certDir}/${d}.key`]],
  ]);
}

/** Units to restart, in dependency order, each once: notified in this run, or owing a restart for another reason. */
export function restartOrder(notified: Iterable<string>, owed: Iterable<string>): string[] {
  const all = new Set([...notified, ...owed]);
  return [...UNIT_ORDER.filter((u) => all.has(u)), ...[...all].filter((u) => !UNIT_ORDER.includes(u)).sort()];
}

export interface RestartFacts {
  services: ServiceFreshness;
  /** The bridge's own log since it started: a bridge refused by the brewery (nickname taken) never tries again. */
  bridge: BridgeLogState;
}

export const restart: Task<RestartFacts> = {
  name: "restart",
  title: titleOf("restart"),
  facts: (inv) => ({ services: serviceFreshness(ROLE_STACK[inv.role].units, serviceFiles(inv)), bridge: bridgeLog(UNITS.videobridge) }),
  plan(inv, { services: f, bridge }, env) {
    const UNIT_ORDER = ROLE_STACK[inv.role].units;
    // Besides this run's changes: units enabled but not running (started like a restart), restarts an earlier
    // run owed and never did, and services running since before one of their files changed.
    const notified = env?.notified ?? new Set<string>();
    const stopped = UNIT_ORDER.filter((u) => f.states.get(u)?.enabled && !f.states.get(u)?.active);
    const owed = UNIT_ORDER.filter((u) => f.states.get(u)?.enabled && (f.pending.has(u) || f.stale.has(u)));
    // A running bridge that the brewery refused (its nickname was taken, e.g. by a bridge since repaired) stays out
    // until it restarts: jicoco does not try again (docs/jitsi.md, "Bridges on their own hosts").
    const refused: string[] = bridge.kind === "conflict" && f.states.get(UNITS.videobridge)?.active ? [UNITS.videobridge] : [];
    const units = restartOrder(notified, [...stopped, ...owed, ...refused]);
    const why: Record<string, string> = {};
    for (const u of units) {
      if (notified.has(u)) continue;
      if (stopped.includes(u)) why[u] = "enabled but not running";
      else if (f.pending.has(u)) why[u] = "an earlier run changed its configuration and did not restart it";
      else if (refused.includes(u) && !f.stale.has(u) && bridge.kind === "conflict") why[u] = `the brewery refused its nickname '${bridge.nick}' (taken) and it does not try again until it restarts`;
      else why[u] = `it runs an older configuration than ${f.stale.get(u)!.join(", ")}`;
    }
    return { changes: units.length ? [{ kind: "restart", units, why }] : [], reason: "nothing changed, every service running: nothing to restart" };
  },
};

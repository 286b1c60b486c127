// Check i, `bridges`: every videobridge of the deployment (the main host's own and each videobridge host of the
// inventory) is in the brewery and operational, read as an operator would: jicofo's REST /debug on the main host,
// through the SSH connection; a missing bridge is named with the cause its own log gives.
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { bridgeLog, type BridgeLogState } from "../facts/bridge-log.js";
import { readFact } from "../facts/fact.js";
import type { Host } from "../host/host.js";
import type { Inventory } from "../inventory-types.js";
import { UNITS } from "../platform.js";
import { JICOFO_REST_PORT } from "../render/jicofo.js";
import { breweryJid, JVB_USERNAME } from "../render/jvb.js";
import type { FleetLink } from "../task.js";
import type { CheckResult } from "./checks.js";

export const BRIDGES_CHECK = "bridges";

/** A bridge the deployment must have. */
export interface ExpectedBridge {
  name: string;
  nickname: string;
  account: string;
  /** The main host's own bridge. */
  own: boolean;
}

/** What jicofo says about one brewery occupant. */
export interface SeenBridge {
  nickname: string;
  operational: boolean;
}

/** The bridges the main host expects: its own, then every videobridge host of the inventory. */
export function expectedBridges(inv: Inventory): ExpectedBridge[] {
  return [{ name: inv.name, nickname: inv.bridge.nickname, account: JVB_USERNAME, own: true }, ...inv.bridges.map((b) => ({ ...b, own: false }))];
}

/** Pure: the bridges jicofo's /debug lists in `brewery` (.bridge_selector.bridge, keyed by occupant JID brewery/nick). */
export function parseJicofoBridges(body: string, brewery: string): SeenBridge[] {
  const root = JSON.parse(body) as { bridge_selector?: { bridge?: Record<string, { operational?: unknown }> } };
  const out: SeenBridge[] = [];
  for (const [jid, state] of Object.entries(root.bridge_selector?.bridge ?? {})) {
    const slash = jid.indexOf("/");
    if (slash < 0 || jid.slice(0, slash).toLowerCase() !== brewery.toLowerCase()) continue;
    out.push({ nickname: jid.slice(slash + 1), operational: state?.operational === true });
  }
  return out;
}

/** Pure: why `b` is not an operational bridge in the brewery, from what jicofo shows and what the bridge's run and log say. */
export function diagnose(b: ExpectedBridge, ctx: { inv: Inventory; seen: SeenBridge[]; expected: ExpectedBridge[]; run?: { ok: boolean; error?: string }; log?: BridgeLogState }): string {
  const brewery = breweryJid(ctx.inv.jitsi.domain).toLowerCase();
  const seen = ctx.seen.find((s) => s.nickname === b.nickname);
  if (seen && !seen.operational) return "jicofo lists it but not as operational (its health checks fail)";
  if (ctx.run && !ctx.run.ok) return `its provisioning failed in this run: ${(ctx.run.error ?? "").split("\n")[0]}`;
  const log = ctx.log;
  if (!log) return `not in the brewery; ${b.name} is not part of this run, so its log was not read (provision --host ${b.name} repairs and diagnoses it)`;
  switch (log.kind) {
    case "stopped":
      return `jitsi-videobridge is not running on ${b.name}`;
    case "unreachable":
      return `the main host's Prosody is unreachable${log.endpoint ? ` at ${log.endpoint}` : ""}: ${log.cause} (check XMPP_SERVER and that port 5222 of the main host is open to ${b.name})`;
    case "login-refused":
      return `login refused: Prosody answered ${log.condition} for ${b.account}@auth.${ctx.inv.jitsi.domain} (the bridge's password differs from its account's on the main host)`;
    case "conflict": {
      const holder = ctx.expected.find((o) => o.nickname === log.nick && o.name !== b.name);
      return `duplicate nickname: the brewery refused '${log.nick}' (conflict: ${holder ? `videobridge ${holder.name} holds it` : "another occupant holds it"}); the bridge does not try again until it restarts`;
    }
    case "joined":
      return log.muc !== brewery ? `wrong brewery: it joined ${log.muc}, jicofo watches ${brewery}` : `it joined the brewery, but not as '${b.nickname}' (another MUC_NICKNAME in its configuration)`;
    case "logged-in":
      return "it logged in but has not joined the brewery";
    case "silent":
      return `its log since it started shows no XMPP login${log.tail.length ? `; last lines: ${log.tail.join(" | ")}` : ""}`;
  }
}

/** GET `path` from jicofo's REST interface on the host, through one SSH channel. */
export function jicofoGet(host: Host, address: string, path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    host.forward(address, JICOFO_REST_PORT).then((channel) => {
      const req = request({ createConnection: () => channel as never, path, headers: { Host: `${address}:${JICOFO_REST_PORT}` }, timeout: timeoutMs }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (d: string) => (body += d));
        res.on("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end();
    }, reject);
  });
}

export interface BridgesCheckOptions {
  /** How long bridges restarted in this run get to join (default 25 s). */
  timeoutMs?: number;
  /** Between two reads of jicofo's view (default 1 s). */
  pollMs?: number;
}

/**
 * Wait until every expected bridge is in the brewery and operational, or until each missing one has a cause that
 * waiting will not change (or the time is up); never throws for what the servers do.
 */
export async function bridgesCheck(host: Host, inv: Inventory, fleet: FleetLink | undefined, opts: BridgesCheckOptions = {}): Promise<CheckResult> {
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? 25_000;
  const deadline = Date.now() + timeoutMs;
  const expected = expectedBridges(inv);
  const brewery = breweryJid(inv.jitsi.domain);
  const done = (ok: boolean, detail: string): CheckResult => ({ id: "i", name: BRIDGES_CHECK, ok, detail, ms: Math.round(performance.now() - t0) });
  const hostOf = (b: ExpectedBridge) => (b.own ? { host, ok: true } : fleet?.bridgeRun(b.name));
  let seen: SeenBridge[] = [];
  let restError = "";
  for (let round = 0; ; round++) {
    try {
      seen = parseJicofoBridges(await jicofoGet(host, inv.jitsi.prosodyAddress, "/debug", 5000), brewery);
      restError = "";
    } catch (e) {
      restError = `cannot read jicofo's REST interface at ${inv.jitsi.prosodyAddress}:${JICOFO_REST_PORT}/debug on ${inv.name}: ${(e as Error).message}`;
    }
    const missing = restError ? expected : expected.filter((b) => !seen.some((s) => s.nickname === b.nickname && s.operational));
    if (!restError && missing.length === 0)
      return done(true, `${expected.length}/${expected.length} bridges in the brewery and operational: ${expected.map((b) => (b.own ? `${b.nickname} (on ${b.name})` : b.nickname)).join(", ")}`);
    const out = Date.now() >= deadline;
    // Each missing bridge's own account of it (its log since it started), read every few rounds and at the end; the
    // logs of the bridges jicofo lists are read too: one may be listed under a nickname another bridge should have
    // (its own refused with a conflict).
    if (!restError && (out || round % 3 === 2)) {
      const read = await Promise.all(
        expected.map(async (b) => {
          const run = hostOf(b);
          const log = run?.host ? await readFact(run.host, bridgeLog(UNITS.videobridge)).catch(() => undefined) : undefined;
          return { b, run, log, missing: missing.includes(b) };
        }),
      );
      const failing = read.filter((c) => c.missing || c.log?.kind === "conflict");
      const settled = (c: (typeof read)[number]) => !c.run || !c.run.ok || (c.log !== undefined && !["logged-in", "silent"].includes(c.log.kind) && !(c.log.kind === "unreachable" && round < 6));
      if (out || failing.every(settled)) {
        const lines = failing.map((c) => `${c.b.name} (nickname ${c.b.nickname}): ${diagnose(c.b, { inv, seen: c.missing ? seen : [], expected, run: c.run && { ok: c.run.ok, error: c.run.error }, log: c.log })}`);
        return done(false, `${expected.length - failing.length}/${expected.length} bridges operational in ${brewery}; missing ${lines.join("; ")}`);
      }
    }
    if (out) return done(false, restError || `bridges missing from ${brewery}: ${missing.map((b) => b.name).join(", ")}`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
}

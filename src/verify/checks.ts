// The post-provision checks a–g (docs/jitsi.md §4): each passes or fails with the server's own reason.
// They run at once, over one websocket (one tunnel channel) each: a first opens its connection, so a transport that
// does not work is reported once; b, d, e and f then run beside a, and c and g log in beside it and wait for its room.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Inventory } from "../inventory-types.js";
import { describeThrown } from "./diagnose.js";
import { expiredRefused, noTokenRefused, wrongSecretRefused } from "./refusal-checks.js";
import { guestCannotOpen, guestJoinsOpened, roomScoped, tokenOpensRoom } from "./room-checks.js";
import { CheckFailed, NotRun, type Ctx } from "./session.js";
import { VerifyError, type Endpoint } from "./websocket.js";
import type { XmppSession } from "./xmpp.js";

export type CheckId = "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h" | "i";

/** One check's outcome. `skipped` checks are not ok: they proved nothing. */
export interface CheckResult {
  id: CheckId;
  name: string;
  ok: boolean;
  skipped?: boolean;
  detail: string;
  /** How long the check took, from its start to its result (c and g include waiting for a's room). */
  ms?: number;
}

export const CHECK_NAMES: Record<Exclude<CheckId, "h" | "i">, string> = {
  a: "token-opens-room",
  b: "guest-cannot-open",
  c: "guest-joins-opened",
  d: "no-token-refused",
  e: "wrong-secret-refused",
  f: "expired-refused",
  g: "room-scoped",
};

export interface VerifyOptions {
  inv: Inventory;
  /** Where Prosody's HTTP (websocket) endpoint is: a base URL like ws://127.0.0.1:5280, or a full Endpoint. */
  endpoint: string | Endpoint;
  /** Per-step timeout (default 10 s). */
  timeoutMs?: number;
  /** Throwaway room names (default provision-verify-<random>, -guest, -other). */
  rooms?: { opened?: string; fresh?: string; other?: string };
  /** Only run these checks (dependencies are still honoured: c and g need a). */
  only?: CheckId[];
  /**
   * What the web client is configured with (config.js hosts): clients connect where it sends them, so a
   * config.js that disagrees with Prosody fails the checks a browser would fail. Default: the inventory.
   */
  client?: ClientView;
}

/** The web client's view of the deployment, read from config.js. */
export interface ClientView {
  /** Where it came from, for messages (e.g. /etc/webapps/jitsi-meet/config.js). */
  source: string;
  domain?: string;
  anonymousdomain?: string;
  muc?: string;
}

/** Run the checks against one Jitsi install and return one result per check (never throws for server behaviour). */
export async function verify(opts: VerifyOptions): Promise<CheckResult[]> {
  const { inv } = opts;
  const endpoint = typeof opts.endpoint === "string" ? { baseUrl: opts.endpoint } : opts.endpoint;
  const base = `provision-verify-${randomBytes(5).toString("hex")}`;
  const rooms = { opened: base, fresh: `${base}-guest`, other: `${base}-other`, ...(opts.rooms ?? {}) };
  const client = opts.client;
  const domain = client?.domain ?? inv.jitsi.domain;
  // Without hosts.anonymousdomain the web client logs guests in on the main domain (lib-jitsi-meet xmpp.ts connect()).
  const guest = client ? (client.anonymousdomain ?? domain) : inv.jitsi.guestDomain;
  const ctx: Ctx = {
    inv,
    endpoint,
    timeoutMs: opts.timeoutMs ?? 10_000,
    domain,
    guest,
    guestNote:
      client && !client.anonymousdomain
        ? `${client.source} has no hosts.anonymousdomain, so the web client logs guests in on ${domain}, where a token is required (set anonymousdomain: '${inv.jitsi.guestDomain}')`
        : undefined,
    focus: `focus.${domain}`,
    muc: client?.muc ?? `conference.${domain}`,
    secrets: [inv.jwt.appSecret],
    anonymousWithToken: false,
    sessions: new Set(),
  };
  const wanted = new Set<CheckId>(opts.only ?? (Object.keys(CHECK_NAMES) as CheckId[]));
  if (wanted.has("c") || wanted.has("g")) wanted.add("a");
  const results: CheckResult[] = [];
  let transportDown: string | undefined;
  let holder: XmppSession | undefined;

  // Check a's websocket is up (or a is over): the others start then, so a broken transport is tried once.
  let connected = () => {};
  const transport = wanted.has("a") ? new Promise<void>((resolve) => (connected = resolve)) : Promise.resolve();
  let aDone = () => {};
  const aFinished = new Promise<void>((resolve) => (aDone = resolve));
  const roomOpen = async () => {
    await aFinished;
    if (!holder) throw new NotRun(`needs room ${rooms.opened} opened by check a (${CHECK_NAMES.a}), which failed`);
  };

  const run = async (id: Exclude<CheckId, "h" | "i">, body: () => Promise<string>) => {
    if (!wanted.has(id)) return;
    if (id !== "a") await transport;
    const name = CHECK_NAMES[id];
    if (transportDown) return void results.push({ id, name, ok: false, skipped: true, detail: `not run: ${transportDown}` });
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    try {
      const detail = await body();
      results.push({ id, name, ok: true, detail, ms: ms() });
    } catch (e) {
      if (e instanceof NotRun) return void results.push({ id, name, ok: false, skipped: true, detail: `not run: ${e.message}` });
      const detail = e instanceof CheckFailed ? e.message : describeThrown(e);
      if (e instanceof VerifyError && e.kind === "transport") transportDown = detail;
      results.push({ id, name, ok: false, detail, ms: ms() });
    }
  };

  try {
    await Promise.all([
      run("a", async () => {
        const r = await tokenOpensRoom(ctx, rooms.opened, connected);
        holder = r.session;
        return r.detail;
      }).finally(() => {
        connected();
        aDone();
      }),
      run("b", () => guestCannotOpen(ctx, rooms.fresh)),
      run("c", () => guestJoinsOpened(ctx, rooms.opened, roomOpen)),
      run("d", () => noTokenRefused(ctx, rooms.opened)),
      run("e", () => wrongSecretRefused(ctx, rooms.opened)),
      run("f", () => expiredRefused(ctx, rooms.opened)),
      run("g", () => roomScoped(ctx, rooms.opened, rooms.other, roomOpen)),
    ]);
  } finally {
    await Promise.all([...ctx.sessions].map((s) => s.close()));
  }
  const order = Object.keys(CHECK_NAMES);
  results.sort((x, y) => order.indexOf(x.id) - order.indexOf(y.id));
  return results.map((r) => ({ ...r, detail: scrub(r.detail, ctx.secrets) }));
}

function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("<redacted>");
  return out;
}

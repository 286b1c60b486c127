// The post-provision checks a–g (jitsi-jwt.md §4, §8.6): each passes or fails with the server's own reason.
import { randomBytes } from "node:crypto";
import type { Inventory } from "../inventory-types.js";
import { mintToken } from "../token.js";
import { conferenceProblem, describeThrown, joinProblem, mechanismProblem, validTokenRefused } from "./diagnose.js";
import { describeSaslFailure, describeStanzaError, type SaslFailure, type StanzaError } from "./stanza.js";
import { VerifyError, XmppSession, type ConferenceResult, type Endpoint } from "./xmpp.js";

export type CheckId = "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h";

/** One check's outcome. `skipped` checks are not ok: they proved nothing. */
export interface CheckResult {
  id: CheckId;
  name: string;
  ok: boolean;
  skipped?: boolean;
  detail: string;
}

export const CHECK_NAMES: Record<Exclude<CheckId, "h">, string> = {
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

/** A check failed for a reason already worded for the operator. */
class CheckFailed extends Error {}

interface Ctx {
  inv: Inventory;
  endpoint: Endpoint;
  timeoutMs: number;
  domain: string;
  guest: string;
  /** Why guests end up where they do, when config.js sends them somewhere unexpected. */
  guestNote?: string;
  focus: string;
  muc: string;
  /** Valid tokens minted in this run: scrubbed from every detail. */
  secrets: string[];
  /** ANONYMOUS was offered to a valid token (lets d–f tell "refused by offering nothing" from "not loaded"). */
  anonymousWithToken: boolean;
  sessions: Set<XmppSession>;
}

const VALID_TTL = 300;

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
  const results: CheckResult[] = [];
  let transportDown: string | undefined;
  let holder: XmppSession | undefined;

  const run = async (id: Exclude<CheckId, "h">, body: () => Promise<string>, needs?: { ok: boolean; why: string }) => {
    if (!wanted.has(id)) return;
    const name = CHECK_NAMES[id];
    if (transportDown) return void results.push({ id, name, ok: false, skipped: true, detail: `not run: ${transportDown}` });
    if (needs && !needs.ok) return void results.push({ id, name, ok: false, skipped: true, detail: `not run: ${needs.why}` });
    try {
      results.push({ id, name, ok: true, detail: await body() });
    } catch (e) {
      const detail = e instanceof CheckFailed ? e.message : describeThrown(e);
      if (e instanceof VerifyError && e.kind === "transport") transportDown = detail;
      results.push({ id, name, ok: false, detail });
    }
  };

  try {
    const needA = wanted.has("c") || wanted.has("g");
    if (wanted.has("a") || needA) {
      wanted.add("a");
      await run("a", async () => {
        const r = await tokenOpensRoom(ctx, rooms.opened);
        holder = r.session;
        return r.detail;
      });
    }
    const aOk = { ok: holder !== undefined, why: `needs room ${rooms.opened} opened by check a (${CHECK_NAMES.a}), which failed` };
    // The other checks are independent of each other (each has its own sessions and rooms): run them at once.
    await Promise.all([
      run("b", () => guestCannotOpen(ctx, rooms.fresh)),
      run("c", () => guestJoinsOpened(ctx, rooms.opened), aOk),
      run("g", () => roomScoped(ctx, rooms.opened, rooms.other), aOk),
      run("d", () => loginRefused(ctx, rooms.opened, undefined, REASONS.d)),
      run("e", async () =>
        loginRefused(ctx, rooms.opened, await mintToken(inv, { room: rooms.opened, ttlSeconds: VALID_TTL, secret: randomBytes(24).toString("base64url"), name: "provision verify" }), REASONS.e),
      ),
      run("f", async () => {
        const now = Math.floor(Date.now() / 1000);
        return loginRefused(ctx, rooms.opened, await mintToken(inv, { room: rooms.opened, ttlSeconds: 60, now: now - 3600, name: "provision verify" }), REASONS.f);
      }),
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

async function validToken(ctx: Ctx, room: string): Promise<string> {
  const token = await mintToken(ctx.inv, { room, ttlSeconds: VALID_TTL, name: "provision verify" });
  ctx.secrets.push(token);
  return token;
}

async function connect(ctx: Ctx, to: string, room: string, token?: string): Promise<XmppSession> {
  const s = await XmppSession.connect({ endpoint: ctx.endpoint, to, domain: ctx.domain, room, token, timeoutMs: ctx.timeoutMs });
  ctx.sessions.add(s);
  return s;
}

async function closeSession(ctx: Ctx, s: XmppSession): Promise<void> {
  ctx.sessions.delete(s);
  await s.close();
}

/** Log in anonymously where success is expected (token user or guest); returns the bound JID. */
async function loginExpectingSuccess(ctx: Ctx, s: XmppSession, to: string): Promise<string> {
  const problem = mechanismProblem(s.mechanisms, to, ctx.domain, ctx.guest);
  if (problem) throw new CheckFailed(problem);
  if (to === ctx.domain) ctx.anonymousWithToken = true;
  const sasl = await s.authAnonymous();
  if (!sasl.ok) {
    if (to === ctx.domain) throw new CheckFailed(validTokenRefused(sasl.failure, ctx.domain));
    throw new CheckFailed(`guest login on ${to} refused: ${describeSaslFailure(sasl.failure)}`);
  }
  return s.bind();
}

/**
 * The conference request, retried while focus answers service-unavailable: jicofo (a JVM) takes a while to
 * start and log in after a restart, so this waits up to three step timeouts before calling it down.
 */
async function askFocus(ctx: Ctx, s: XmppSession, roomJid: string, token?: string): Promise<ConferenceResult> {
  const deadline = Date.now() + 3 * ctx.timeoutMs;
  for (;;) {
    const r = await s.conference(ctx.focus, roomJid, token);
    if (r.ok || r.error.condition !== "service-unavailable" || Date.now() + 1000 > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Ask focus for a room until it says ready (jicofo may answer ready=false while it starts the conference). */
async function requestReady(ctx: Ctx, s: XmppSession, roomJid: string, who: "token user" | "guest", token?: string): Promise<string> {
  const deadline = Date.now() + ctx.timeoutMs;
  for (;;) {
    const r = await askFocus(ctx, s, roomJid, token);
    if (!r.ok) throw new CheckFailed(conferenceProblem(r.error, ctx.domain, who));
    if (r.ready) return `focus ready="true"`;
    if (Date.now() + 500 > deadline) throw new CheckFailed(`focus.${ctx.domain} kept answering ready="false" for ${roomJid} (jicofo cannot start the conference: no bridge?)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function tokenOpensRoom(ctx: Ctx, room: string): Promise<{ session: XmppSession; detail: string }> {
  const token = await validToken(ctx, room);
  const s = await connect(ctx, ctx.domain, room, token);
  try {
    const jid = await loginExpectingSuccess(ctx, s, ctx.domain);
    const roomJid = `${room}@${ctx.muc}`;
    const ready = await requestReady(ctx, s, roomJid, "token user", token);
    const join = await s.joinMuc(roomJid, "verify-owner");
    if (!join.ok) throw new CheckFailed(joinProblem(join.error, room, ctx.domain, "token user"));
    return { session: s, detail: `SASL success as ${jid}; ${ready}; joined ${roomJid} (status 110)` };
  } catch (e) {
    await closeSession(ctx, s);
    throw e;
  }
}

/** Log a guest in where the web client would; a refusal caused by config.js says so. */
async function guestLogin(ctx: Ctx, s: XmppSession): Promise<string> {
  if (ctx.guest === ctx.domain) {
    const sasl = s.mechanisms.includes("ANONYMOUS") ? await s.authAnonymous() : undefined;
    if (!sasl?.ok) throw new CheckFailed(`${ctx.guestNote ?? "guests log in on the main domain"}: ${sasl && !sasl.ok ? describeSaslFailure(sasl.failure) : "no ANONYMOUS mechanism"}`);
    return s.bind();
  }
  return loginExpectingSuccess(ctx, s, ctx.guest);
}

async function guestCannotOpen(ctx: Ctx, room: string): Promise<string> {
  const s = await connect(ctx, ctx.guest, room);
  try {
    await guestLogin(ctx, s);
    const roomJid = `${room}@${ctx.muc}`;
    const r = await askFocus(ctx, s, roomJid);
    if (r.ok) {
      throw new CheckFailed(
        `guests can create rooms: jicofo authentication is not enforced (focus answered ready="${r.ready}" to a guest for the new room ${room}; set jicofo authentication type = JWT, login-url = "${ctx.domain}")`,
      );
    }
    if (r.error.condition !== "not-authorized") {
      // Focus not answering at all is jicofo's or the component's problem; any other refusal is for another reason.
      if (UNANSWERED.includes(r.error.condition)) throw new CheckFailed(conferenceProblem(r.error, ctx.domain, "guest"));
      throw new CheckFailed(otherReason("not-authorized (jicofo's JWT authentication)", describeStanzaError(r.error)));
    }
    return `focus refused a guest for the new room ${room}: ${describeStanzaError(r.error)}`;
  } finally {
    await closeSession(ctx, s);
  }
}

async function guestJoinsOpened(ctx: Ctx, room: string): Promise<string> {
  const s = await connect(ctx, ctx.guest, room);
  try {
    const jid = await guestLogin(ctx, s);
    const roomJid = `${room}@${ctx.muc}`;
    const ready = await requestReady(ctx, s, roomJid, "guest");
    const join = await s.joinMuc(roomJid, "verify-guest");
    if (!join.ok) throw new CheckFailed(joinProblem(join.error, room, ctx.domain, "guest"));
    return `guest ${jid}: ${ready}; joined ${roomJid} (status 110)`;
  } finally {
    await closeSession(ctx, s);
  }
}

/** g: a valid token for room `other` must not get into `opened` (which exists, held by check a's session). */
async function roomScoped(ctx: Ctx, opened: string, other: string): Promise<string> {
  const token = await validToken(ctx, other);
  const s = await connect(ctx, ctx.domain, opened, token);
  try {
    await loginExpectingSuccess(ctx, s, ctx.domain);
    const roomJid = `${opened}@${ctx.muc}`;
    // Like the web client: ask focus first (the room exists, so jicofo answers ready), then join.
    const conf = await askFocus(ctx, s, roomJid, token);
    if (!conf.ok && conf.error.condition !== "not-authorized") throw new CheckFailed(conferenceProblem(conf.error, ctx.domain, "token user"));
    const join = await s.joinMuc(roomJid, "verify-intruder");
    if (join.ok) {
      throw new CheckFailed(
        `a token for room ${other} joined room ${opened}: token_verification is not enforced on ${ctx.muc} (add it to the component's modules_enabled)`,
      );
    }
    if (!isRoomMismatch(join.error))
      throw new CheckFailed(otherReason('a room mismatch (not-allowed / room-mismatch, "Room and token mismatched")', describeStanzaError(join.error)));
    return `a token for ${other} was refused in ${opened}: ${describeStanzaError(join.error)}`;
  } finally {
    await closeSession(ctx, s);
  }
}

/** Why a d–f login must be refused, as the token plugins say it (jitsi-meet token/util.lib.lua, luajwtjitsi). */
interface Reason {
  /** The reason in words, for a failure naming both it and what the server said. */
  expected: string;
  matches(f: SaslFailure): boolean;
}

const REASONS: Record<"d" | "e" | "f", Reason> = {
  d: { expected: 'a missing token ("token required")', matches: (f) => /token required/i.test(f.text ?? "") },
  e: { expected: 'the signature (e.g. "Invalid signature")', matches: (f) => /signature/i.test(f.text ?? "") },
  f: { expected: 'the token\'s expiry (e.g. "Not acceptable by exp (… sec since expired)")', matches: (f) => /\bexp\b|expired/i.test(f.text ?? "") },
};

/** Focus errors that mean nobody answered (jicofo down, no client_proxy): not a refusal for any reason. */
const UNANSWERED = ["service-unavailable", "item-not-found", "remote-server-not-found", "recipient-unavailable"];

/** A check's refusal came for a reason other than the one it is about: name both. */
function otherReason(expected: string, said: string): string {
  return `refused for another reason: expected ${expected}, the server said ${said}`;
}

/**
 * token_verification refusing a token for another room: not-allowed with the jitmeet room-mismatch element (or, under
 * enable_domain_verification, room-name-does-not-match), or upstream's bare "Room and token mismatched" text.
 */
function isRoomMismatch(e: StanzaError): boolean {
  if (e.condition !== "not-allowed") return false;
  if (e.app) return e.app.name === "room-mismatch" || e.app.name === "room-name-does-not-match";
  return /room and token mismatch/i.test(e.text ?? "");
}

/** d–f: a login on the main domain that must be refused (no token, wrong secret, expired), for `reason`. */
async function loginRefused(ctx: Ctx, room: string, token: string | undefined, reason: Reason): Promise<string> {
  const s = await connect(ctx, ctx.domain, room, token);
  try {
    if (!s.mechanisms.includes("ANONYMOUS")) {
      if (s.mechanisms.length === 0 && ctx.anonymousWithToken) {
        throw new CheckFailed(
          `refused without a reason: the server offers no SASL mechanism to this client (it does to a valid token), so this does not show that it refuses ${reason.expected}`,
        );
      }
      throw new CheckFailed(mechanismProblem(s.mechanisms, ctx.domain, ctx.domain, ctx.guest)!);
    }
    const sasl = await s.authAnonymous();
    if (sasl.ok) {
      const what = token ? "a bad token" : "no token";
      throw new CheckFailed(
        `a client with ${what} logged in on ${ctx.domain}: the main VirtualHost does not enforce tokens (authentication = "token", allow_empty_token = false)`,
      );
    }
    if (!reason.matches(sasl.failure)) throw new CheckFailed(otherReason(reason.expected, describeSaslFailure(sasl.failure)));
    return `SASL refused: ${describeSaslFailure(sasl.failure)}`;
  } finally {
    await closeSession(ctx, s);
  }
}

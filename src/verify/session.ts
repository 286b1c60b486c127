// What every check shares: the run's context (domains, endpoint, minted tokens, open sessions) and the steps a
// check is built from (connect, log in as a token user or a guest, ask focus for a room).
import type { Inventory } from "../inventory-types.js";
import { mintToken } from "../token.js";
import { conferenceProblem, mechanismProblem, validTokenRefused } from "./diagnose.js";
import { describeSaslFailure } from "./stanza.js";
import type { Endpoint } from "./websocket.js";
import { XmppSession, type ConferenceResult } from "./xmpp.js";

/** A check failed for a reason already worded for the operator. */
export class CheckFailed extends Error {}

/** A check could not run because what it needs is missing (its detail starts with "not run: "). */
export class NotRun extends Error {}

export interface Ctx {
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

/** Lifetime of the valid tokens the checks mint (seconds). */
export const VALID_TTL = 300;

/** A valid token for `room`, remembered so that no detail ever shows it. */
export async function validToken(ctx: Ctx, room: string): Promise<string> {
  const token = await mintToken(ctx.inv, { room, ttlSeconds: VALID_TTL, name: "provision verify" });
  ctx.secrets.push(token);
  return token;
}

/** Open one XMPP session (one websocket, so one tunnel channel); closed at the end of the run at the latest. */
export async function connect(ctx: Ctx, to: string, room: string, token?: string): Promise<XmppSession> {
  const s = await XmppSession.connect({ endpoint: ctx.endpoint, to, domain: ctx.domain, room, token, timeoutMs: ctx.timeoutMs });
  ctx.sessions.add(s);
  return s;
}

export async function closeSession(ctx: Ctx, s: XmppSession): Promise<void> {
  ctx.sessions.delete(s);
  await s.close();
}

/** Log in anonymously where success is expected (token user or guest); returns the bound JID. */
export async function loginExpectingSuccess(ctx: Ctx, s: XmppSession, to: string): Promise<string> {
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

/** Log a guest in where the web client would; a refusal caused by config.js says so. */
export async function guestLogin(ctx: Ctx, s: XmppSession): Promise<string> {
  if (ctx.guest === ctx.domain) {
    const sasl = s.mechanisms.includes("ANONYMOUS") ? await s.authAnonymous() : undefined;
    if (!sasl?.ok) throw new CheckFailed(`${ctx.guestNote ?? "guests log in on the main domain"}: ${sasl && !sasl.ok ? describeSaslFailure(sasl.failure) : "no ANONYMOUS mechanism"}`);
    return s.bind();
  }
  return loginExpectingSuccess(ctx, s, ctx.guest);
}

/**
 * The conference request, retried while focus answers service-unavailable: jicofo (a JVM) takes a while to
 * start and log in after a restart, so this waits up to three step timeouts before calling it down.
 */
export async function askFocus(ctx: Ctx, s: XmppSession, roomJid: string, token?: string): Promise<ConferenceResult> {
  const deadline = Date.now() + 3 * ctx.timeoutMs;
  for (;;) {
    const r = await s.conference(ctx.focus, roomJid, token);
    if (r.ok || r.error.condition !== "service-unavailable" || Date.now() + 1000 > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Ask focus for a room until it says ready (jicofo may answer ready=false while it starts the conference). */
export async function requestReady(ctx: Ctx, s: XmppSession, roomJid: string, who: "token user" | "guest", token?: string): Promise<string> {
  const deadline = Date.now() + ctx.timeoutMs;
  for (;;) {
    const r = await askFocus(ctx, s, roomJid, token);
    if (!r.ok) throw new CheckFailed(conferenceProblem(r.error, ctx.domain, who));
    if (r.ready) return `focus ready="true"`;
    if (Date.now() + 500 > deadline) throw new CheckFailed(`focus.${ctx.domain} kept answering ready="false" for ${roomJid} (jicofo cannot start the conference: no bridge?)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A check's refusal came for a reason other than the one it is about: name both. */
export function otherReason(expected: string, said: string): string {
  return `refused for another reason: expected ${expected}, the server said ${said}`;
}

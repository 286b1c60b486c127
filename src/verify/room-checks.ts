// Checks a, b, c and g: who may open a room (a token holder), who may not (a guest), who may join it once open
// (a guest) and who may not (a token for another room). c and g log in while a opens the room, then wait for it.
import { conferenceProblem, joinProblem } from "./diagnose.js";
import { describeStanzaError, type StanzaError } from "./stanza.js";
import { askFocus, CheckFailed, closeSession, connect, guestLogin, loginExpectingSuccess, otherReason, requestReady, validToken, type Ctx } from "./session.js";
import type { XmppSession } from "./xmpp.js";

/** Focus errors that mean nobody answered (jicofo down, no client_proxy): not a refusal for any reason. */
const UNANSWERED = ["service-unavailable", "item-not-found", "remote-server-not-found", "recipient-unavailable"];

/**
 * a: a fresh token opens `room` and joins it; its session stays in the room (the holder c and g need).
 * `connected` is called once the websocket is up, so the other checks start only on a transport that works.
 */
export async function tokenOpensRoom(ctx: Ctx, room: string, connected: () => void): Promise<{ session: XmppSession; detail: string }> {
  const token = await validToken(ctx, room);
  const s = await connect(ctx, ctx.domain, room, token);
  if (s.mechanisms.includes("ANONYMOUS")) ctx.anonymousWithToken = true;
  connected();
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

/** b: a guest asking focus for a new room is refused, by jicofo's JWT authentication (not-authorized). */
export async function guestCannotOpen(ctx: Ctx, room: string): Promise<string> {
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

/** c: a guest joins `room` once check a opened it (`opened` resolves then, or throws NotRun when a failed). */
export async function guestJoinsOpened(ctx: Ctx, room: string, opened: () => Promise<void>): Promise<string> {
  const s = await beforeRoom(opened, () => connect(ctx, ctx.guest, room));
  try {
    const jid = await beforeRoom(opened, () => guestLogin(ctx, s));
    await opened();
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
export async function roomScoped(ctx: Ctx, opened: string, other: string, roomOpen: () => Promise<void>): Promise<string> {
  const token = await validToken(ctx, other);
  const s = await beforeRoom(roomOpen, () => connect(ctx, ctx.domain, opened, token));
  try {
    await beforeRoom(roomOpen, () => loginExpectingSuccess(ctx, s, ctx.domain));
    await roomOpen();
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

/**
 * A step c or g takes while check a is still opening the room: when it fails and a failed too, the check was not
 * run for want of the room (NotRun from `opened`), as if it had waited for a; otherwise its own failure stands.
 */
async function beforeRoom<T>(opened: () => Promise<void>, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    await opened();
    throw e;
  }
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

// Checks d, e and f: a login on the main domain without a token, with a token signed by another secret, or with
// an expired token is refused, and for that reason (as the token plugins word it), not for another one.
import { randomBytes } from "node:crypto";
import { mintToken } from "../token.js";
import { mechanismProblem } from "./diagnose.js";
import { describeSaslFailure, type SaslFailure } from "./stanza.js";
import { CheckFailed, closeSession, connect, otherReason, VALID_TTL, type Ctx } from "./session.js";

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

/** d: no token at all. */
export function noTokenRefused(ctx: Ctx, room: string): Promise<string> {
  return loginRefused(ctx, room, undefined, REASONS.d);
}

/** e: a token for the right room, signed with a random secret. */
export async function wrongSecretRefused(ctx: Ctx, room: string): Promise<string> {
  const token = await mintToken(ctx.inv, { room, ttlSeconds: VALID_TTL, secret: randomBytes(24).toString("base64url"), name: "provision verify" });
  return loginRefused(ctx, room, token, REASONS.e);
}

/** f: a token for the right room that expired an hour ago (issued 60 s before that). */
export async function expiredRefused(ctx: Ctx, room: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const token = await mintToken(ctx.inv, { room, ttlSeconds: 60, now: now - 3600, name: "provision verify" });
  return loginRefused(ctx, room, token, REASONS.f);
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

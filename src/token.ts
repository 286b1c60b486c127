// `provision token`: mint the HS256 JWT that Jitsi's Prosody token plugin accepts, and the join link.
import { createHash, randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { UsageError } from "./errors.js";
import type { Inventory } from "./inventory-types.js";

const ROOM_RULE =
  'room names are what lib-jitsi-meet accepts as a MUC node: lower case only, not empty, no whitespace or control characters, none of @ / \\ " \' < > & :, not "." or "..", and "*" only on its own (a token for every room)';

/** Throw a UsageError (with the rule as fix) unless `room` is a name Jitsi accepts; "*" means every room. */
export function validateRoomName(room: string): void {
  const bad = (why: string): never => {
    throw new UsageError(`invalid room name ${JSON.stringify(room)}: ${why}`, { fix: ROOM_RULE });
  };
  if (room === "*") return;
  if (room.length === 0) bad("it is empty");
  // A join link https://<domain>/. or /.. is the home page: browsers drop the dot segment (RFC 3986 5.2.4).
  if (room === "." || room === "..") bad('"." and ".." name no room (a browser turns the link into the home page)');
  if (room.includes("*")) bad('"*" is only allowed as the whole name');
  if (room !== room.toLowerCase()) bad("it contains capitals (lib-jitsi-meet refuses them; use lower case)");
  // eslint-disable-next-line no-control-regex
  const forbidden = room.match(/[@/\\"'<>&:]|\s|[\u0000-\u001f\u007f-\u009f]/u);
  if (forbidden) bad(`it contains ${describeChar(forbidden[0])}`);
  if (Buffer.byteLength(room, "utf8") > 1023) bad("it is longer than 1023 bytes (the XMPP limit for a JID node)");
}

function describeChar(c: string): string {
  if (/\s/u.test(c)) return "whitespace";
  if (/[\u0000-\u001f\u007f-\u009f]/u.test(c)) return `a control character (U+${c.codePointAt(0)!.toString(16).padStart(4, "0")})`;
  return `"${c}"`;
}

export interface MintOptions {
  /** Bare room name, or "*" for every room. */
  room: string;
  name?: string;
  email?: string;
  avatar?: string;
  /** Lifetime in seconds from `now`. */
  ttlSeconds: number;
  /** Issue time in seconds since the epoch (default: the clock). */
  now?: number;
  /** Sign with this instead of inv.jwt.appSecret (negative checks only). */
  secret?: string;
  /** context.user.id (default: a stable hash of name+email, or random when both are absent). */
  id?: string;
}

/** The claims mintToken puts in a token (exported for tests and for callers that want to show them). */
export interface JitsiClaims {
  iss: string;
  aud: string;
  sub: string;
  room: string;
  iat: number;
  nbf: number;
  exp: number;
  context: { user: { id: string; name?: string; email?: string; avatar?: string } };
}

/** Build the claims of a token for `inv` (pure apart from the clock and the random id fallback). */
export function tokenClaims(inv: Inventory, opts: MintOptions): JitsiClaims {
  validateRoomName(opts.room);
  if (!Number.isSafeInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0) {
    throw new UsageError(`token lifetime must be a positive whole number of seconds, got ${opts.ttlSeconds}`, {
      fix: 'pass --ttl like "2h", "90m" or "3600"',
    });
  }
  const now = Math.floor(opts.now ?? Date.now() / 1000);
  const user: JitsiClaims["context"]["user"] = { id: opts.id || userId(opts.name, opts.email) };
  if (opts.name) user.name = opts.name;
  if (opts.email) user.email = opts.email;
  if (opts.avatar) user.avatar = opts.avatar;
  return {
    iss: inv.jwt.appId,
    aud: inv.jwt.audience,
    sub: inv.jitsi.domain.toLowerCase(),
    room: opts.room.toLowerCase(),
    iat: now,
    // A minute in the past so a host clock slightly behind ours does not answer "Not acceptable by nbf".
    nbf: now - 60,
    exp: now + opts.ttlSeconds,
    context: { user },
  };
}

function userId(name?: string, email?: string): string {
  if (!name && !email) return randomBytes(8).toString("hex");
  return createHash("sha256").update(`${name ?? ""}\u0000${email ?? ""}`).digest("hex").slice(0, 16);
}

/** Mint an HS256 JWT ({alg:"HS256",typ:"JWT"}) for one room, signed with the inventory's app secret. */
export async function mintToken(inv: Inventory, opts: MintOptions): Promise<string> {
  const claims = tokenClaims(inv, opts);
  const secret = opts.secret ?? inv.jwt.appSecret;
  if (!secret) throw new UsageError("no JWT app secret in the inventory", { fix: "set JWT_APP_SECRET in the inventory file" });
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

/** Stands for the room in the link of a token valid for every room. */
export const ANY_ROOM = "{room}";

/** The link a user opens: https://<domain>/<room>?jwt=<token> (room URL-encoded; {room} for a "*" token). */
export function joinLink(inv: Inventory, room: string, token: string): string {
  validateRoomName(room);
  return `https://${inv.jitsi.domain}/${room === "*" ? ANY_ROOM : encodeURIComponent(room)}?jwt=${token}`;
}

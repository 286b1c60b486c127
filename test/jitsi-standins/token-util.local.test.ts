// Load-level tests of the stand-in token/util.lib.lua + luajwtjitsi.lib.lua under lua5.4:
// crafted tokens give the error texts documented in docs/jitsi.md §1.2.
import { afterAll, describe, expect, it, beforeAll } from "vitest";
import { SignJWT } from "jose";
import { createHmac } from "node:crypto";
import { luaLibDir, removeLuaLibDirs, runTokenDriver } from "./lua-env.js";

const SECRET = "test-secret-0123456789";
const key = new TextEncoder().encode(SECRET);
const DOMAIN = "a.sandbox.test";
const options = {
  app_id: "myapp",
  app_secret: SECRET,
  asap_accepted_issuers: ["myapp"],
  asap_accepted_audiences: ["jitsi"],
  muc_mapper_domain_base: DOMAIN,
  enable_domain_verification: false,
};
const good = { iss: "myapp", aud: "jitsi", sub: DOMAIN, room: "r1", context: { user: { id: "u1", name: "Alice" } } };

type Result = { res?: boolean; err?: string; reason?: string; room?: string; sub?: string; user?: unknown; token_kept?: boolean };

/** Signs claims with HS256 and typ JWT unless told otherwise. */
function sign(claims: Record<string, unknown>, opts: { secret?: Uint8Array; header?: Record<string, unknown>; exp?: number | string } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader((opts.header ?? { alg: "HS256", typ: "JWT" }) as { alg: string });
  if (opts.exp !== undefined) jwt.setExpirationTime(opts.exp);
  else jwt.setExpirationTime("1h");
  return jwt.sign(opts.secret ?? key);
}

/** Builds a token by hand (for shapes jose refuses to produce). */
function rawToken(header: object, body: object, secret = SECRET): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${b64(header)}.${b64(body)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

let libs: string;
beforeAll(() => {
  libs = luaLibDir(["basexx", "inspect"]);
});
afterAll(() => removeLuaLibDirs());

/** Verifies each token with the given options and returns the per-token results. */
function verify(tokens: Array<string | null>, opts: object = options): Result[] {
  const out = runTokenDriver({ options: opts, calls: tokens.map((token) => ({ op: "verify", token })) }, libs);
  expect(out.load_error).toBeUndefined();
  return (Array.isArray(out.results) ? out.results : []) as Result[];
}

describe("token util stand-in (lua5.4)", () => {
  it("accepts a good token and binds room, sub and context.user to the session", async () => {
    const [r] = verify([await sign(good)]);
    expect(r).toMatchObject({ res: true, room: "r1", sub: DOMAIN, user: { id: "u1", name: "Alice" }, token_kept: true });
  });

  it("gives the documented failure for each bad token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string | null, string, string | RegExp]> = [
      ["bad signature", await sign(good, { secret: new TextEncoder().encode("wrong") }), "not-allowed", "Invalid signature"],
      ["expired", rawToken({ alg: "HS256", typ: "JWT" }, { ...good, iat: now - 120, exp: now - 60 }), "not-allowed",
        /^Not acceptable by exp \(6\d sec since expired, valid for:60 sec\)$/],
      ["not yet valid", rawToken({ alg: "HS256", typ: "JWT" }, { ...good, nbf: now + 600, exp: now + 1200 }), "not-allowed", "Not acceptable by nbf"],
      ["missing typ", await sign(good, { header: { alg: "HS256" } }), "not-allowed", "Invalid typ"],
      ["wrong typ", await sign(good, { header: { alg: "HS256", typ: "JWS" } }), "not-allowed", "Invalid typ"],
      ["alg mismatch", await sign(good, { header: { alg: "HS512", typ: "JWT" } }), "not-allowed", "Invalid or incorrect alg"],
      ["missing room", await sign({ ...good, room: undefined }), "not-authorized", "room claim is missing"],
      ["missing sub", await sign({ ...good, sub: undefined }), "not-authorized", "sub claim is missing"],
      ["wrong iss", await sign({ ...good, iss: "other" }), "not-allowed", "invalid 'iss' claim"],
      ["missing iss", await sign({ ...good, iss: undefined }), "not-allowed", "'iss' claim is missing"],
      ["wrong aud", await sign({ ...good, aud: "meet" }), "not-allowed", "invalid 'aud' claim"],
      ["aud as array", await sign({ ...good, aud: ["jitsi"] }), "not-allowed", "invalid 'aud' claim"],
      ["missing aud", await sign({ ...good, aud: undefined }), "not-allowed", "'aud' claim is missing"],
      ["not a JWT", "abc.def", "not-allowed", "Invalid token"],
      ["garbage header", "e30x.e30.e30", "not-allowed", "Invalid header"],
      ["no token", null, "not-allowed", "token required"],
    ];
    const results = verify(cases.map((c) => c[1]));
    expect(results).toHaveLength(cases.length);
    cases.forEach(([label, , err, reason], i) => {
      const r = results[i]!;
      expect({ label, res: r.res, err: r.err }).toEqual({ label, res: false, err });
      if (typeof reason === "string") expect(r.reason, label).toBe(reason);
      else expect(r.reason, label).toMatch(reason);
    });
  });

  it("lets a tokenless client in only with allow_empty_token", () => {
    const [r] = verify([null], { ...options, allow_empty_token: true });
    expect(r).toMatchObject({ res: true });
  });

  it("defaults accepted issuers to app_id and audiences to '*'", async () => {
    const opts = { app_id: "myapp", app_secret: SECRET };
    const [ok, badIss] = verify([await sign({ ...good, aud: "anything" }), await sign({ ...good, iss: "x" })], opts);
    expect(ok).toMatchObject({ res: true });
    expect(badIss).toMatchObject({ res: false, reason: "invalid 'iss' claim" });
  });

  it("is not built (nil) without app_secret, or with an empty app_id, and logs why", () => {
    const noSecret = runTokenDriver({ options: { app_id: "myapp" }, calls: [] }, libs);
    expect(noSecret.util).toBe(false);
    expect(String(noSecret.logs)).toContain("must be specified");
    const noId = runTokenDriver({ options: { app_id: "", app_secret: SECRET }, calls: [] }, libs);
    expect(noId.util).toBe(false);
    expect(String(noId.logs)).toContain("'app_id' must not be empty");
  });

  it("fails to load with Lua's own error when a required library is missing", () => {
    for (const [present, missing] of [[["basexx"], "inspect"], [["inspect"], "basexx"]] as const) {
      const out = runTokenDriver({ options, calls: [] }, luaLibDir([...present]));
      expect(String(out.load_error)).toContain(`module '${missing}' not found`);
    }
  });
});

describe("verify_room stand-in", () => {
  const room = `r1@conference.${DOMAIN}`;
  const tokenSession = { auth_token: "x", jitsi_meet_room: "r1", jitsi_meet_domain: DOMAIN };
  const guest = {};

  /** Runs verify_room calls against the given options and existing rooms. */
  function check(calls: Array<{ session: object; room: string }>, opts: object = options, rooms = [room, `r2@conference.${DOMAIN}`]) {
    const out = runTokenDriver({ options: opts, rooms, calls: calls.map((c) => ({ op: "room", ...c })) }, libs);
    return (Array.isArray(out.results) ? out.results : []) as Result[];
  }

  it("lets the token's room and guests in, refuses another room with room-mismatch", () => {
    const [own, guestIn, other] = check([
      { session: tokenSession, room: `${room}/alice` },
      { session: guest, room: `${room}/bob` },
      { session: tokenSession, room: `r2@conference.${DOMAIN}/alice` },
    ]);
    expect(own).toMatchObject({ res: true });
    expect(guestIn).toMatchObject({ res: true });
    expect(other).toMatchObject({ res: false, err: "room-mismatch" });
  });

  it("answers room-does-not-exist for a missing room, and for every room without muc_mapper_domain_base", () => {
    const [missing] = check([{ session: tokenSession, room: `nope@conference.${DOMAIN}/a` }]);
    expect(missing).toMatchObject({ res: false, err: "room-does-not-exist" });
    const { muc_mapper_domain_base: _drop, ...noBase } = options;
    const [r] = check([{ session: tokenSession, room: `${room}/a` }], noBase);
    expect(r).toMatchObject({ res: false, err: "room-does-not-exist" });
  });

  it("with enable_domain_verification (the default) refuses tokenless guests", () => {
    const { enable_domain_verification: _drop, ...verifying } = options;
    const [guestR, tokenR] = check([{ session: guest, room: `${room}/g` }, { session: tokenSession, room: `${room}/t` }], verifying);
    expect(guestR).toMatchObject({ res: false, err: "room-name-does-not-match" });
    expect(tokenR).toMatchObject({ res: true });
  });
});

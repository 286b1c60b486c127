import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import type { Inventory } from "./inventory-types.js";
import { joinLink, mintToken, validateRoomName } from "./token.js";

const inv: Inventory = {
  name: "t",
  role: "main",
  bridge: { nickname: "jvb-test", xmppServer: "127.0.0.1" },
  bridges: [],
  ssh: { host: "h", port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
  jitsi: { domain: "meet.example.com", guestDomain: "guest.meet.example.com", prosodyAddress: "127.0.0.1", pluginDir: "/p" },
  jwt: { appId: "myapp", appSecret: "s3cret-value-0123456789", audience: "jitsi" },
  tls: { mode: "self-signed" },
};

/** Independent check: split, HMAC-SHA256 with node:crypto, JSON.parse both halves. */
function decodeAndVerify(token: string, secret: string) {
  const parts = token.split(".");
  expect(parts).toHaveLength(3);
  const [h, p, s] = parts as [string, string, string];
  const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${h}.${p}`).digest("base64url");
  return {
    signatureOk: expected === s,
    header: JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>,
  };
}

describe("mintToken", () => {
  it("signs with the app secret, header exactly {alg,typ}, claims as Prosody wants", async () => {
    const token = await mintToken(inv, { room: "standup", name: "Alice", email: "a@example.com", ttlSeconds: 7200, now: 1_700_000_000 });
    const { signatureOk, header, payload } = decodeAndVerify(token, inv.jwt.appSecret);
    expect(signatureOk).toBe(true);
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(Object.keys(header)).toEqual(["alg", "typ"]);
    expect(payload).toMatchObject({
      iss: "myapp",
      aud: "jitsi",
      sub: "meet.example.com",
      room: "standup",
      iat: 1_700_000_000,
      nbf: 1_700_000_000 - 60,
      exp: 1_700_000_000 + 7200,
    });
    expect(typeof payload.aud).toBe("string");
    for (const k of ["iat", "nbf", "exp"]) expect(Number.isInteger(payload[k])).toBe(true);
    const user = (payload.context as { user: Record<string, unknown> }).user;
    expect(user).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), name: "Alice", email: "a@example.com" });
    for (const v of Object.values(user)) expect(typeof v).toBe("string");
  });

  it("does not verify with another secret", async () => {
    const token = await mintToken(inv, { room: "r", ttlSeconds: 60 });
    expect(decodeAndVerify(token, "other").signatureOk).toBe(false);
  });

  it("signs with the override secret for negative checks", async () => {
    const token = await mintToken(inv, { room: "r", ttlSeconds: 60, secret: "wrong" });
    expect(decodeAndVerify(token, "wrong").signatureOk).toBe(true);
    expect(decodeAndVerify(token, inv.jwt.appSecret).signatureOk).toBe(false);
  });

  it("uses the clock by default and honours the ttl", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { payload } = decodeAndVerify(await mintToken(inv, { room: "r", ttlSeconds: 90 * 60 }), inv.jwt.appSecret);
    const after = Math.floor(Date.now() / 1000);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
    expect((payload.exp as number) - (payload.iat as number)).toBe(5400);
  });

  it("can mint an already expired token (exp in the past, still signed right)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await mintToken(inv, { room: "r", ttlSeconds: 60, now: now - 3600 });
    const { signatureOk, payload } = decodeAndVerify(token, inv.jwt.appSecret);
    expect(signatureOk).toBe(true);
    expect(payload.exp as number).toBeLessThan(now);
  });

  it("omits absent user fields and keeps ids stable per name+email", async () => {
    const a = decodeAndVerify(await mintToken(inv, { room: "r", name: "Bob", ttlSeconds: 60 }), inv.jwt.appSecret);
    const b = decodeAndVerify(await mintToken(inv, { room: "r", name: "Bob", ttlSeconds: 60 }), inv.jwt.appSecret);
    const c = decodeAndVerify(await mintToken(inv, { room: "r", name: "Bob", email: "b@x", ttlSeconds: 60 }), inv.jwt.appSecret);
    const ua = (a.payload.context as { user: Record<string, unknown> }).user;
    expect(Object.keys(ua).sort()).toEqual(["id", "name"]);
    expect(ua.id).toBe((b.payload.context as { user: { id: string } }).user.id);
    expect(ua.id).not.toBe((c.payload.context as { user: { id: string } }).user.id);
    const anon1 = decodeAndVerify(await mintToken(inv, { room: "r", ttlSeconds: 60 }), inv.jwt.appSecret);
    const anon2 = decodeAndVerify(await mintToken(inv, { room: "r", ttlSeconds: 60 }), inv.jwt.appSecret);
    expect((anon1.payload.context as { user: { id: string } }).user.id).not.toBe(
      (anon2.payload.context as { user: { id: string } }).user.id,
    );
    const given = decodeAndVerify(await mintToken(inv, { room: "r", ttlSeconds: 60, id: "u1", avatar: "https://a/x.png" }), inv.jwt.appSecret);
    expect((given.payload.context as { user: unknown }).user).toEqual({ id: "u1", avatar: "https://a/x.png" });
  });

  it("accepts the * room and refuses bad rooms and ttls", async () => {
    expect(decodeAndVerify(await mintToken(inv, { room: "*", ttlSeconds: 60 }), inv.jwt.appSecret).payload.room).toBe("*");
    await expect(mintToken(inv, { room: "Big", ttlSeconds: 60 })).rejects.toBeInstanceOf(UsageError);
    await expect(mintToken(inv, { room: "r", ttlSeconds: 0 })).rejects.toBeInstanceOf(UsageError);
    await expect(mintToken(inv, { room: "r", ttlSeconds: 1.5 })).rejects.toBeInstanceOf(UsageError);
  });

  it("never puts the secret into an error", async () => {
    const err = await mintToken(inv, { room: "A", ttlSeconds: 60 }).catch((e: UsageError) => e.format());
    expect(err).not.toContain(inv.jwt.appSecret);
  });
});

describe("validateRoomName", () => {
  it.each(["standup", "team-1_x.y", "café", "provision-verify-0a1b", "*", "...", ".a", "a..b"])("accepts %j", (room) => {
    expect(() => validateRoomName(room)).not.toThrow();
  });

  it.each([
    ["", /empty/],
    ["Standup", /capitals/],
    ["ÉCOLE", /capitals/],
    ["a*", /whole name/],
    ["**", /whole name/],
    ["a@b", /"@"/],
    ["a/b", /"\/"/],
    ["a\\b", /"\\"/],
    ['a"b', /"""/],
    ["a'b", /"'"/],
    ["a<b", /"<"/],
    ["a>b", /">"/],
    ["a&b", /"&"/],
    ["a:b", /":"/],
    ["a b", /whitespace/],
    ["a\tb", /whitespace/],
    ["a\u0001b", /control character \(U\+0001\)/],
    ["a\u007fb", /control character/],
    ["x".repeat(1024), /1023 bytes/],
    // Regression: a link to https://<domain>/. or /.. is the home page (browsers drop dot segments), not a room.
    [".", /"\." and "\.\." name no room/],
    ["..", /"\." and "\.\." name no room/],
  ])("refuses %j and explains why", (room, why) => {
    let err: unknown;
    try {
      validateRoomName(room);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(why);
    expect((err as UsageError).fix).toMatch(/lower case/);
  });
});

describe("joinLink", () => {
  it("builds https://domain/room?jwt=token with the room encoded", () => {
    expect(joinLink(inv, "standup", "a.b.c")).toBe("https://meet.example.com/standup?jwt=a.b.c");
    expect(joinLink(inv, "café", "a.b.c")).toBe("https://meet.example.com/caf%C3%A9?jwt=a.b.c");
  });
  it("links a token for every room with {room}, and refuses invalid rooms", () => {
    expect(joinLink(inv, "*", "t")).toBe(`https://${inv.jitsi.domain}/{room}?jwt=t`);
    expect(() => joinLink(inv, "A", "t")).toThrow(UsageError);
  });
});

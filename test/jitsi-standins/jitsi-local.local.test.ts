// End-to-end behaviour of the stand-ins on a Prosody + jicofo pair run on this machine:
// token user opens a room, guests wait for it, bad tokens and wrong rooms are refused
// with the texts a real Jitsi deployment gives (docs/jitsi.md §1.2, §2).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { randomBytes } from "node:crypto";
import { startLocalJitsi, type LocalJitsi } from "./local-jitsi.js";
import { WsXmppClient, hasStatus, stanzaError } from "./xmpp-ws-client.js";

let j: LocalJitsi;
const clients: WsXmppClient[] = [];

beforeAll(async () => {
  j = await startLocalJitsi();
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await j?.stop();
});

/** A token for room, signed with the host's secret unless told otherwise. */
function token(room: string, secret = j.secret, claims: Record<string, unknown> = {}, exp: number | string = "10m") {
  return new SignJWT({ iss: j.appId, aud: "jitsi", sub: j.domain, room, context: { user: { id: "u1", name: "Alice" } }, ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

/** Opens a websocket session like lib-jitsi-meet (room + token in the query, Bearer header too). */
async function connect(room: string, tok?: string) {
  const q = `room=${encodeURIComponent(room)}${tok ? `&token=${encodeURIComponent(tok)}` : ""}`;
  const c = await WsXmppClient.connect(`ws://${j.ip}:5280/xmpp-websocket?${q}`, { host: j.domain, origin: `https://${j.domain}`, bearer: tok });
  clients.push(c);
  return c;
}

/** Logs in (token user on DOMAIN, guest on guest.DOMAIN) and binds. */
async function login(room: string, tok?: string) {
  const c = await connect(room, tok);
  const domain = tok ? j.domain : `guest.${j.domain}`;
  const sasl = await c.saslAnonymous(domain);
  expect(sasl, `SASL on ${domain}`).toEqual({ ok: true });
  await c.bind(domain);
  return c;
}

const roomJid = (r: string) => `${r}@conference.${j.domain}`;
const focus = () => `focus.${j.domain}`;

describe("stand-ins end to end (local Prosody + jicofo)", () => {
  it("token user opens a room; guests need it opened first; jicofo answers like jicofo", async () => {
    const room = `r${randomBytes(4).toString("hex")}`;

    const guest = await login(room);
    expect(guest.jid).toContain(`@guest.${j.domain}/`);
    const early = await guest.conferenceIq(focus(), roomJid(room));
    expect(stanzaError(early)).toMatchObject({ type: "auth", condition: "not-authorized", text: "not authorized user domain" });

    const user = await login(room, await token(room));
    const noRoom = await user.iq(`<conference xmlns="http://jitsi.org/protocol/focus" machine-uid="m1"/>`, focus());
    expect(stanzaError(noRoom)).toMatchObject({ condition: "bad-request", text: "No 'room' specified." });
    const noUid = await user.iq(`<conference xmlns="http://jitsi.org/protocol/focus" room="${roomJid(room)}"/>`, focus());
    expect(stanzaError(noUid)).toMatchObject({ condition: "not-acceptable", text: "Missing mandatory attribute 'machine-uid'" });
    const badSession = await user.iq(`<conference xmlns="http://jitsi.org/protocol/focus" room="${roomJid(room)}" machine-uid="m1" session-id="nope"/>`, focus());
    expect(stanzaError(badSession)).toMatchObject({ condition: "not-acceptable", app: ["session-invalid"] });

    const ok = await user.conferenceIq(focus(), roomJid(room), { token: await token(room) });
    expect(ok.attrs.type).toBe("result");
    const conf = ok.getChild("conference", "http://jitsi.org/protocol/focus")!;
    expect(conf.attrs).toMatchObject({ ready: "true", focusjid: `focus@auth.${j.domain}` });
    expect(conf.attrs["session-id"]).toBeTruthy();
    expect(conf.attrs.identity).toBe(user.jid.split("/")[0]);
    const props = Object.fromEntries(conf.getChildren("property").map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ authentication: "true", externalAuth: "true" });

    const self = await user.joinMuc(roomJid(room), "alice");
    expect(self.attrs.type).toBeUndefined();
    expect(hasStatus(self, "110")).toBe(true);

    const later = await guest.conferenceIq(focus(), roomJid(room));
    expect(later.getChild("conference")?.attrs.ready).toBe("true");
    const guestIn = await guest.joinMuc(roomJid(room), "bob");
    expect(hasStatus(guestIn, "110")).toBe(true);

    const other = await login(room, await token("another-room"));
    const refused = await other.joinMuc(roomJid(room), "mallory");
    expect(refused.attrs.type).toBe("error");
    expect(stanzaError(refused)).toMatchObject({ type: "cancel", condition: "not-allowed", text: "Room and token mismatched", app: ["room-mismatch"] });
    expect(j.prosodyLog()).toMatch(/User \S+ not allowed to join: \S+ token: \S+ token room: another-room token sub: \S+ err: room-mismatch/);
    expect(j.prosodyLog()).not.toContain(j.secret);
  });

  it("refuses bad tokens in SASL with the documented condition and text", async () => {
    const room = "sasl";
    const cases: Array<[string | undefined, string, RegExp | string]> = [
      [await token(room, "not-the-secret"), "not-allowed", "Invalid signature"],
      [undefined, "not-allowed", "token required"],
      [await token(room, j.secret, { iss: "someone-else" }), "not-allowed", "invalid 'iss' claim"],
      [await token(room, j.secret, {}, Math.floor(Date.now() / 1000) - 30), "not-allowed", /^Not acceptable by exp \(\d+ sec since expired/],
      [await token(room, j.secret, { room: undefined }), "not-authorized", "room claim is missing"],
    ];
    for (const [tok, condition, text] of cases) {
      const c = await connect(room, tok);
      const r = await c.saslAnonymous(j.domain);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.condition).toBe(condition);
      if (typeof text === "string") expect(r.text).toBe(text);
      else expect(r.text).toMatch(text);
    }
    expect(j.prosodyLog()).toMatch(/Error verifying token err:not-allowed, reason:Invalid signature/);
  });

  it("jicofo leaves a room nobody joined after the initial timeout, so guests cannot enter it", async () => {
    const room = `idle${randomBytes(3).toString("hex")}`;
    const user = await login(room, await token(room));
    const ok = await user.conferenceIq(focus(), roomJid(room));
    expect(ok.getChild("conference")?.attrs.ready).toBe("true");
    await new Promise((r) => setTimeout(r, 5500)); // initial-timeout is 4 s in this setup
    expect(j.jicofoLog()).toContain(`Stopping conference ${roomJid(room)}: initial-timeout`);
    const guest = await login(room);
    const again = await guest.conferenceIq(focus(), roomJid(room));
    expect(stanzaError(again).condition).toBe("not-authorized");
  }, 30_000);
});

// End-to-end behaviour of the stand-ins on a Prosody + jicofo pair run on this machine:
// token user opens a room, guests wait for it, bad tokens and wrong rooms are refused
// with the texts a real Jitsi deployment gives (docs/jitsi.md §1.2, §2).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { NS } from "../../src/verify/stanza.js";
import { startLocalJitsi, type LocalJitsi } from "./local-jitsi.js";
import { StandinSessions, errorOf, rawConference } from "./sessions.js";

let j: LocalJitsi;
const sessions = new StandinSessions(() => j);

beforeAll(async () => {
  j = await startLocalJitsi();
}, 60_000);

afterAll(async () => {
  await sessions.closeAll();
  await j?.stop();
});

const token = (room: string, opts?: Parameters<StandinSessions["token"]>[1]) => sessions.token(room, opts);
const login = (room: string, tok?: string) => sessions.login(room, tok);
const roomJid = (r: string) => `${r}@conference.${j.domain}`;
const focus = () => `focus.${j.domain}`;

describe("stand-ins end to end (local Prosody + jicofo)", () => {
  it("token user opens a room; guests need it opened first; jicofo answers like jicofo", async () => {
    const room = `r${randomBytes(4).toString("hex")}`;

    const guest = await login(room);
    expect(guest.jid).toContain(`@guest.${j.domain}/`);
    const early = await guest.conference(focus(), roomJid(room));
    expect(early).toMatchObject({ ok: false, error: { type: "auth", condition: "not-authorized", text: "not authorized user domain" } });

    const user = await login(room, await token(room));
    const noRoom = await rawConference(user, focus(), { "machine-uid": "m1" });
    expect(errorOf(noRoom)).toMatchObject({ condition: "bad-request", text: "No 'room' specified." });
    const noUid = await rawConference(user, focus(), { room: roomJid(room) });
    expect(errorOf(noUid)).toMatchObject({ condition: "not-acceptable", text: "Missing mandatory attribute 'machine-uid'" });
    const badSession = await rawConference(user, focus(), { room: roomJid(room), "machine-uid": "m1", "session-id": "nope" });
    expect(errorOf(badSession)).toMatchObject({ condition: "not-acceptable", app: { name: "session-invalid" } });

    const ok = await rawConference(user, focus(), { room: roomJid(room), "machine-uid": "m2", token: await token(room) });
    expect(ok.attrs.type).toBe("result");
    const conf = ok.getChild("conference", NS.focus)!;
    expect(conf.attrs).toMatchObject({ ready: "true", focusjid: `focus@auth.${j.domain}` });
    expect(conf.attrs["session-id"]).toBeTruthy();
    expect(conf.attrs.identity).toBe(user.jid!.split("/")[0]);
    const props = Object.fromEntries(conf.getChildren("property").map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ authentication: "true", externalAuth: "true" });

    expect(await user.joinMuc(roomJid(room), "alice")).toEqual({ ok: true, statusCodes: expect.arrayContaining(["110"]) });

    expect(await guest.conference(focus(), roomJid(room))).toMatchObject({ ok: true, ready: true });
    expect(await guest.joinMuc(roomJid(room), "bob")).toEqual({ ok: true, statusCodes: expect.arrayContaining(["110"]) });

    const other = await login(room, await token("another-room"));
    const refused = await other.joinMuc(roomJid(room), "mallory");
    expect(refused).toEqual({ ok: false, error: { type: "cancel", condition: "not-allowed", text: "Room and token mismatched", app: { name: "room-mismatch", xmlns: NS.jitmeet } } });
    expect(j.prosodyLog()).toMatch(/User \S+ not allowed to join: \S+ token: \S+ token room: another-room token sub: \S+ err: room-mismatch/);
    expect(j.prosodyLog()).not.toContain(j.secret);
  });

  it("refuses bad tokens in SASL with the documented condition and text", async () => {
    const room = "sasl";
    const cases: Array<[string | undefined, string, RegExp | string]> = [
      [await token(room, { secret: "not-the-secret" }), "not-allowed", "Invalid signature"],
      [undefined, "not-allowed", "token required"],
      [await token(room, { claims: { iss: "someone-else" } }), "not-allowed", "invalid 'iss' claim"],
      [await token(room, { exp: Math.floor(Date.now() / 1000) - 30 }), "not-allowed", /^Not acceptable by exp \(\d+ sec since expired/],
      [await token(room, { claims: { room: undefined } }), "not-authorized", "room claim is missing"],
    ];
    for (const [tok, condition, text] of cases) {
      const c = await sessions.connect(room, tok, "main");
      expect(c.mechanisms).toContain("ANONYMOUS");
      const r = await c.authAnonymous();
      expect(r).toEqual({ ok: false, failure: { condition, text: typeof text === "string" ? text : expect.stringMatching(text) } });
    }
    expect(j.prosodyLog()).toMatch(/Error verifying token err:not-allowed, reason:Invalid signature/);
  });

  it("jicofo leaves a room nobody joined after the initial timeout, so guests cannot enter it", async () => {
    const room = `idle${randomBytes(3).toString("hex")}`;
    const user = await login(room, await token(room));
    expect(await user.conference(focus(), roomJid(room))).toMatchObject({ ok: true, ready: true });
    await new Promise((r) => setTimeout(r, 5500)); // initial-timeout is 4 s in this setup
    expect(j.jicofoLog()).toContain(`Stopping conference ${roomJid(room)}: initial-timeout`);
    const guest = await login(room);
    expect(await guest.conference(focus(), roomJid(room))).toMatchObject({ ok: false, error: { condition: "not-authorized" } });
  }, 30_000);
});

// The stand-in packages inside a real sandbox host (state jitsi-installed): configure it by
// hand the way the provisioner will (docs/jitsi.md §3), start prosody and jicofo through the
// systemctl stand-in, then check the XMPP behaviour over the host's WebSocket endpoint.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { NS } from "../../src/verify/stanza.js";
import { downHost, upHost, type SandboxHost } from "../sandbox/host.js";
import { configureMain, runIn } from "./sandbox-jitsi.js";
import { StandinSessions } from "./sessions.js";

const NAME = `stdin-${randomBytes(2).toString("hex")}`;
let h: SandboxHost;
let domain: string;
const appId = "provision-test";
const secret = randomBytes(16).toString("hex");
const sessions = new StandinSessions(() => ({ ip: h.ip, domain, appId, secret }));

/** Runs cmd as root in the host and fails with its output when it exits non-zero. */
const run = (cmd: string, stdin?: string) => runIn(h, cmd, stdin);

beforeAll(async () => {
  h = await upHost(NAME, { state: "jitsi-installed" });
  domain = `${NAME}.sandbox.test`;
  await configureMain(h, domain, appId, secret);
  await run("systemctl start jitsi-videobridge");
}, 240_000);

afterAll(async () => {
  await sessions.closeAll();
  await downHost(NAME).catch(() => undefined);
});

const token = (room: string, key = secret) => sessions.token(room, { secret: key });
const login = (room: string, tok?: string) => sessions.login(room, tok);
const joined = { ok: true, statusCodes: expect.arrayContaining(["110"]) };

describe("stand-in packages in a sandbox host", () => {
  it("services run as their own users and Prosody loaded every plugin", async () => {
    expect(await run("systemctl is-active jicofo jitsi-videobridge prosody")).toBe("active\nactive\nactive\n");
    // As the units say (Arch: prosody:prosody; AUR: User=jicofo / User=jvb, no Group=, so the shared group jitsi).
    const who = (u: string) => run(`ps -o user=,group= -p $(systemctl show -p MainPID --value ${u})`).then((o) => o.trim().split(/\s+/));
    expect(await who("prosody")).toEqual(["prosody", "prosody"]);
    expect(await who("jicofo")).toEqual(["jicofo", "jitsi"]);
    expect(await who("jitsi-videobridge")).toEqual(["jvb", "jitsi"]);
    // Arch's Prosody logs to syslog: its journal.
    const log = await run("journalctl -u prosody -o cat --no-pager");
    expect(log).toContain("Activated service 'c2s'"); // the log was really read
    expect(log).not.toMatch(/Error loading|not found|Failed to load/i);
    expect(log).not.toContain(secret);
  });

  it("token user opens a room, guest waits for it, wrong room and bad signature are refused", async () => {
    const room = "standup";
    const muc = `${room}@conference.${domain}`;
    const focus = `focus.${domain}`;

    const guest = await login(room);
    expect(await guest.conference(focus, muc)).toMatchObject({ ok: false, error: { condition: "not-authorized", text: "not authorized user domain" } });

    const user = await login(room, await token(room));
    expect(await user.conference(focus, muc)).toMatchObject({ ok: true, ready: true });
    expect(await user.joinMuc(muc, "alice")).toEqual(joined);

    expect(await guest.conference(focus, muc)).toMatchObject({ ok: true, ready: true });
    expect(await guest.joinMuc(muc, "guest")).toEqual(joined);

    const other = await login(room, await token("elsewhere"));
    const refused = await other.joinMuc(muc, "mallory");
    expect(refused).toMatchObject({ ok: false, error: { condition: "not-allowed", app: { name: "room-mismatch", xmlns: NS.jitmeet } } });

    const bad = await sessions.connect(room, await token(room, "wrong-secret"));
    expect(await bad.authAnonymous()).toEqual({ ok: false, failure: { condition: "not-allowed", text: "Invalid signature" } });
  });

  it("systemctl start jicofo fails on a config jicofo refuses", async () => {
    await run("systemctl stop jicofo");
    await run("cp /etc/jicofo/jicofo.conf /root/jicofo.conf.bak && echo 'jicofo.authentication.login-url = null' >> /etc/jicofo/jicofo.conf");
    const r = await h.exec("systemctl start jicofo");
    expect(r.code).not.toBe(0);
    expect(await run("cat /var/log/jicofo/jicofo.log")).toMatch(/SEVERE: .*login-url/);
    await run("cp /root/jicofo.conf.bak /etc/jicofo/jicofo.conf && systemctl start jicofo");
  });
});

// The stand-in packages inside a real sandbox host (state jitsi-installed): configure it by
// hand the way the provisioner will (docs/jitsi.md §3), start prosody and jicofo through the
// systemctl stand-in, then check the XMPP behaviour over the host's WebSocket endpoint.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { NS } from "../../src/verify/stanza.js";
import { downHost, upHost, type SandboxHost } from "../sandbox/host.js";
import { confD } from "./local-jitsi.js";
import { StandinSessions } from "./sessions.js";

const NAME = `stdin-${randomBytes(2).toString("hex")}`;
let h: SandboxHost;
let domain: string;
const appId = "provision-test";
const secret = randomBytes(16).toString("hex");
const sessions = new StandinSessions(() => ({ ip: h.ip, domain, appId, secret }));

/** Runs cmd as root in the host and fails with its output when it exits non-zero. */
async function run(cmd: string, stdin?: string): Promise<string> {
  const r = await h.exec(cmd, { stdin, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`host command failed (${r.code}): ${cmd}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Runs cmd as the host's sudo user arch (yay refuses root). */
const asArch = (cmd: string) => run(`cd /home/arch && runuser -u arch -- env PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/arch bash -c ${JSON.stringify(cmd)}`);

beforeAll(async () => {
  h = await upHost(NAME, { state: "jitsi-installed" });
  domain = `${NAME}.sandbox.test`;
  const focusPw = randomBytes(12).toString("hex");
  await asArch("yay -S --needed --noconfirm lua-inspect lua-basexx lua-cjson lua-luaossl");
  await run(`set -e; install -d -m 755 /etc/prosody/conf.d /etc/prosody/certs
    for d in ${domain} auth.${domain}; do
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout /etc/prosody/certs/$d.key -out /etc/prosody/certs/$d.crt -days 2 -subj /CN=$d 2>/dev/null
    done
    chown -R root:prosody /etc/prosody/certs; chmod 640 /etc/prosody/certs/*.key
    grep -q '^Include "conf.d/\\*.cfg.lua"' /etc/prosody/prosody.cfg.lua || echo 'Include "conf.d/*.cfg.lua"' >> /etc/prosody/prosody.cfg.lua`);
  await run(`cat > /etc/prosody/conf.d/${domain}.cfg.lua`,
    confD(domain, appId, secret, "/etc/prosody/certs").replace(/plugin_paths = \{[^}]*\}/, 'plugin_paths = { "/usr/lib/jitsi-meet-prosody" }'));
  await run(`prosodyctl --config /etc/prosody/prosody.cfg.lua check config >/dev/null || prosodyctl check config`);
  await run(`prosodyctl register focus auth.${domain}`, `${focusPw}\n${focusPw}\n`);
  await run(`prosodyctl mod_roster_command subscribe focus.${domain} focus@auth.${domain}`);
  await run(`cat >> /etc/jicofo/jicofo.conf`, `
jicofo.authentication { enabled = true, type = JWT, login-url = "${domain}" }
jicofo.xmpp.client { enabled = true, hostname = "${h.ip}", port = 5222, domain = "auth.${domain}", xmpp-domain = "${domain}", username = "focus", password = "${focusPw}", conference-muc-jid = "conference.${domain}", client-proxy = "focus.${domain}", disable-certificate-verification = true }
jicofo.bridge.brewery-jid = "JvbBrewery@internal.auth.${domain}"
`);
  await run("systemctl start prosody && systemctl start jicofo && systemctl start jitsi-videobridge");
  for (let i = 0; i < 100; i++) {
    if ((await h.exec("grep -q 'Registered as focus@' /var/log/jicofo/jicofo.log")).code === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`jicofo did not log in:\n${await run("cat /var/log/jicofo/jicofo.log; journalctl -u prosody -n 20 -o cat")}`);
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

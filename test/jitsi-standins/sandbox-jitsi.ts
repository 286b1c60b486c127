// Configures a sandbox host in state jitsi-installed by hand the way the provisioner does (docs/jitsi.md §3) for the
// stand-in sandbox tests: certificates, the conf.d file, the focus account, jicofo.conf with its REST interface on the
// host's own address (hosts share one network namespace), then Prosody and jicofo started.
import { randomBytes } from "node:crypto";
import type { SandboxHost } from "../sandbox/host.js";
import { confD } from "./local-jitsi.js";

/** Runs cmd as root in the host and fails with its output when it exits non-zero. */
export async function runIn(h: SandboxHost, cmd: string, stdin?: string): Promise<string> {
  const r = await h.exec(cmd, { stdin, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`host command failed (${r.code}): ${cmd}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Configures and starts Prosody and jicofo on h for domain; resolves once jicofo is logged in. */
export async function configureMain(h: SandboxHost, domain: string, appId: string, secret: string): Promise<void> {
  const run = (cmd: string, stdin?: string) => runIn(h, cmd, stdin);
  const asArch = (cmd: string) => run(`cd /home/arch && runuser -u arch -- env PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/arch bash -c ${JSON.stringify(cmd)}`);
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
jicofo.rest.host = "${h.ip}"
`);
  await run("systemctl start prosody && systemctl start jicofo");
  for (let i = 0; i < 100; i++) {
    if ((await h.exec("grep -q 'Registered as focus@' /var/log/jicofo/jicofo.log")).code === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`jicofo did not log in:\n${await run("cat /var/log/jicofo/jicofo.log; journalctl -u prosody -n 20 -o cat")}`);
}

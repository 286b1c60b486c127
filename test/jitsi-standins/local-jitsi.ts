// A Prosody + jicofo stand-in pair run directly on this machine (no sandbox host) for the
// stand-in end-to-end tests: the Debian Prosody as user prosody in a temp dir, with the
// jitsi-meet-prosody stand-ins and the conf.d file the provisioner writes (docs/jitsi.md §3.1).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { claimIp, releaseIp } from "../sandbox/alloc.js";
import { PLUGIN_DIR, luaLibDir } from "./lua-env.js";

const JICOFO = join(PLUGIN_DIR, "../../../../../jicofo/files/usr/lib/jicofo");

/** A running local Jitsi back end. */
export interface LocalJitsi {
  ip: string;
  domain: string;
  appId: string;
  secret: string;
  dir: string;
  prosodyLog(): string;
  jicofoLog(): string;
  /** Creates (or re-passwords) an account on auth.DOMAIN, the password through stdin. */
  register(user: string, password: string): void;
  /** jicofo's REST interface, bound to the host address (jicofo.rest.host). */
  restUrl: string;
  stop(): Promise<void>;
}

/** Resolves once ip:port accepts TCP connections (throws after timeoutMs). */
export async function waitPort(ip: string, port: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: ip, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listening on ${ip}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The conf.d content the provisioner writes (docs/jitsi.md §3.1), for one domain. */
export function confD(d: string, appId: string, secret: string, certs: string): string {
  return `component_admins_as_room_owners = true
plugin_paths = { "${PLUGIN_DIR}" }
muc_mapper_domain_base = "${d}"
asap_accepted_issuers = { "${appId}" }
asap_accepted_audiences = { "jitsi" }
consider_bosh_secure = true
consider_websocket_secure = true
unlimited_jids = { "focus@auth.${d}", "jvb@auth.${d}" }
VirtualHost "${d}"
    authentication = "token"; app_id = "${appId}"; app_secret = "${secret}"; allow_empty_token = false
    enable_domain_verification = false
    ssl = { key = "${certs}/${d}.key"; certificate = "${certs}/${d}.crt" }
    modules_enabled = { "bosh"; "websocket"; "smacks"; "ping"; "presence_identity" }
    c2s_require_encryption = false
    main_muc = "conference.${d}"
VirtualHost "guest.${d}"
    authentication = "jitsi-anonymous"; c2s_require_encryption = false; main_muc = "conference.${d}"
    modules_enabled = { "smacks" }
VirtualHost "auth.${d}"
    ssl = { key = "${certs}/auth.${d}.key"; certificate = "${certs}/auth.${d}.crt" }
    modules_enabled = { "limits_exception" }
    authentication = "internal_hashed"
Component "conference.${d}" "muc"
    restrict_room_creation = true; storage = "memory"
    modules_enabled = { "muc_meeting_id"; "muc_domain_mapper"; "token_verification" }
    admins = { "focus@auth.${d}" }
    muc_room_locking = false; muc_room_default_public_jids = true
Component "internal.auth.${d}" "muc"
    storage = "memory"; modules_enabled = { "ping" }; admins = { "focus@auth.${d}", "jvb@auth.${d}" }
    muc_room_locking = false; muc_room_default_public_jids = true
Component "focus.${d}" "client_proxy"
    target_address = "focus@auth.${d}"
`;
}

/** Starts Prosody (as user prosody) and the jicofo stand-in; stop() ends both and cleans up. */
export async function startLocalJitsi(opts: { name?: string } = {}): Promise<LocalJitsi> {
  const name = opts.name ?? `standin-${randomBytes(3).toString("hex")}`;
  const ip = await claimIp(name);
  const domain = `${name}.sandbox.test`;
  const appId = "standin-app";
  const secret = randomBytes(16).toString("hex");
  const focusPw = randomBytes(12).toString("hex");
  const dir = mkdtempSync(join(tmpdir(), "local-jitsi-"));
  chmodSync(dir, 0o755);
  const certs = join(dir, "certs");
  const data = join(dir, "data");
  const hocon = join(dir, "hocon");
  for (const d of [certs, data, hocon, join(dir, "conf.d")]) mkdirSync(d);
  const lua = luaLibDir(["basexx", "inspect"]);
  chmodSync(lua, 0o755);
  for (const h of [domain, `auth.${domain}`]) {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", join(certs, `${h}.key`), "-out", join(certs, `${h}.crt`), "-days", "2", "-subj", `/CN=${h}`], { stdio: "ignore" });
  }
  const cfg = join(dir, "prosody.cfg.lua");
  writeFileSync(cfg, `pidfile = "${dir}/prosody.pid"
data_path = "${data}"
log = { { levels = { min = "info" }, to = "file", filename = "${dir}/prosody.log" } }
interfaces = { "${ip}" }; local_interfaces = { "${ip}" }; http_interfaces = { "${ip}" }
c2s_ports = { 5222 }; s2s_ports = {}; component_ports = {}; http_ports = { 5280 }; https_ports = {}
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "posix"; "ping" }
modules_disabled = { "s2s" }
authentication = "internal_hashed"
Include "${dir}/conf.d/*.cfg.lua"
`);
  writeFileSync(join(dir, "conf.d", `${domain}.cfg.lua`), confD(domain, appId, secret, certs));
  writeFileSync(join(dir, "prosody.log"), "");
  execFileSync("chown", ["-R", "prosody:prosody", dir]);

  const env = { ...process.env, LUA_PATH: `${lua}/?.lua;;` };
  const asProsody = (args: string[], input?: string) =>
    execFileSync("setpriv", ["--reuid=prosody", "--regid=prosody", "--init-groups", "prosodyctl", "--config", cfg, ...args], {
      env, input, stdio: ["pipe", "pipe", "pipe"],
    });
  // the password goes through stdin, never argv (prosodyctl register would take it as an argument)
  asProsody(["register", "focus", `auth.${domain}`], `${focusPw}\n${focusPw}\n`);
  asProsody(["mod_roster_command", "subscribe", `focus.${domain}`, `focus@auth.${domain}`]);

  const prosody: ChildProcess = spawn("setpriv", ["--reuid=prosody", "--regid=prosody", "--init-groups", "prosody", "--config", cfg, "-F"], {
    env, stdio: "ignore",
  });
  const jicofoPid = join(dir, "jicofo.pid");
  let started = false;
  const stop = async () => {
    const pid = Number(readFileSafe(jicofoPid));
    if (pid) killQuietly(pid);
    if (prosody.exitCode === null) {
      const gone = new Promise((r) => prosody.once("exit", r));
      prosody.kill("SIGTERM");
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (prosody.exitCode === null) prosody.kill("SIGKILL");
    }
    await releaseIp(ip);
    rmSync(dir, { recursive: true, force: true });
    rmSync(lua, { recursive: true, force: true });
  };
  try {
    await waitPort(ip, 5222);
    await waitPort(ip, 5280);
    execFileSync("javac", ["-nowarn", "-cp", "/usr/share/java/typesafe-config.jar", "-d", hocon, join(JICOFO, "../../../../../../standins/HoconToJson.java")]);
    const jconf = join(dir, "jicofo.conf");
    writeFileSync(jconf, readFileSync(join(JICOFO, "../../../etc/jicofo/jicofo.conf"), "utf8").replace("@FOCUS_PASSWORD@", "shipped") +
      `\njicofo.authentication { enabled = true, type = JWT, login-url = "${domain}" }
jicofo.xmpp.client { enabled = true, hostname = "${ip}", port = 5222, domain = "auth.${domain}", xmpp-domain = "${domain}", username = "focus", password = "${focusPw}", conference-muc-jid = "conference.${domain}", client-proxy = "focus.${domain}", disable-certificate-verification = true }
jicofo.bridge.brewery-jid = "JvbBrewery@internal.auth.${domain}"
jicofo.conference.initial-timeout = 4 seconds
jicofo.rest.host = "${ip}"
jicofo.bridge.health-checks.interval = 1 second
`);
    execFileSync(process.execPath, [join(JICOFO, "jicofo.mjs"), "--config", jconf, "--pidfile", jicofoPid, "--log", join(dir, "jicofo.log")], {
      env: { ...process.env, JICOFO_HOCON_HELPER_DIR: hocon },
      stdio: "pipe",
    });
    await waitFor(() => /Registered as focus@/.test(readFileSafe(join(dir, "jicofo.log"))), 15_000, "jicofo login");
    started = true;
  } finally {
    if (!started) await stop();
  }
  return {
    ip, domain, appId, secret, dir, stop,
    register: (user: string, password: string) => void asProsody(["register", user, `auth.${domain}`], `${password}\n${password}\n`),
    restUrl: `http://${ip}:8888`,
    prosodyLog: () => readFileSafe(join(dir, "prosody.log")),
    jicofoLog: () => readFileSafe(join(dir, "jicofo.log")),
  };
}

/** Polls cond every 100 ms; throws after timeoutMs. */
async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reads a file, or "" when it does not exist. */
function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Sends SIGTERM to a pid, ignoring one that is already gone. */
function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    /* already gone */
  }
}


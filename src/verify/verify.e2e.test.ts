// End to end: a sandbox host (real sshd + Debian Prosody + the Jitsi plugin and jicofo stand-ins) configured by hand
// from the project's renderers, then verified through the real SSH Host's forward() tunnel.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSsh } from "../host/ssh.js";
import type { Host } from "../host/host.js";
import { loadInventory } from "../inventory.js";
import type { Inventory } from "../inventory-types.js";
import { editConfigJs } from "../render/config-js.js";
import { editJicofoConf, renderJicofoProvision } from "../render/jicofo.js";
import { ensureInclude } from "../render/prosody-main.js";
import { prosodyConfigPath, renderProsodyConfig } from "../render/prosody.js";
import { upHost, type SandboxHost } from "../../test/sandbox/host.js";
import { INVENTORY_DIR } from "../../test/sandbox/paths.js";
import { formatChecks, verifyHost } from "./index.js";
import { PATHS } from "../platform.js";

const name = `verify-${randomBytes(3).toString("hex")}`;
let box: SandboxHost | undefined;
let inv: Inventory;
let host: Host | undefined;

async function root(cmd: string, stdin?: string): Promise<string> {
  const t0 = Date.now();
  const r = await box!.exec(cmd, { stdin, timeoutMs: 30_000 });
  if (process.env.VERIFY_E2E_DEBUG) console.log(`${Date.now() - t0} ms rc=${r.code}: ${cmd.slice(0, 80)}`);
  if (r.code !== 0) throw new Error(`sandbox command failed (${r.code}): ${cmd}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Configure Prosody + jicofo as docs/jitsi.md §3 says, by hand (no provisioner tasks involved). */
async function configureByHand(): Promise<void> {
  const d = inv.jitsi.domain;
  const conf = renderProsodyConfig({
    domain: d,
    guestDomain: inv.jitsi.guestDomain,
    appId: inv.jwt.appId,
    appSecret: inv.jwt.appSecret,
    audience: inv.jwt.audience,
    pluginDir: inv.jitsi.pluginDir,
    certDir: "/etc/prosody/certs",
  });
  // Secrets travel on stdin only.
  await root(`install -d -m 755 /etc/prosody/conf.d && cat > ${prosodyConfigPath(d)} && chgrp prosody ${prosodyConfigPath(d)} && chmod 640 ${prosodyConfigPath(d)}`, conf);
  const main = await root("cat /etc/prosody/prosody.cfg.lua");
  await root("cat > /etc/prosody/prosody.cfg.lua", ensureInclude(main).content);
  for (const h of [d, `auth.${d}`]) {
    await root(
      `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=${h} -addext subjectAltName=DNS:${h} ` +
        `-keyout /etc/prosody/certs/${h}.key -out /etc/prosody/certs/${h}.crt 2>/dev/null && chgrp prosody /etc/prosody/certs/${h}.* && chmod 640 /etc/prosody/certs/${h}.key`,
    );
  }
  const focusPassword = randomBytes(18).toString("base64url");
  // As the jicofo task does (docs/hocon.md): our settings in provision.conf, included last by the package's jicofo.conf.
  const ours = renderJicofoProvision({ domain: d, prosodyAddress: inv.jitsi.prosodyAddress, focusPassword });
  await root(`cat > ${PATHS.jicofoProvisionConf} && chown jicofo:jitsi ${PATHS.jicofoProvisionConf} && chmod 600 ${PATHS.jicofoProvisionConf}`, ours);
  const jicofo = editJicofoConf(await root(`cat ${PATHS.jicofoConf}`));
  await root(`cat > ${PATHS.jicofoConf} && chown jicofo:jitsi ${PATHS.jicofoConf} && chmod 600 ${PATHS.jicofoConf}`, jicofo);
  // The verifier connects where the web client's config.js sends clients, so point it at this domain too.
  const configJs = editConfigJs(await root(`cat ${PATHS.configJs}`), { domain: d, guestDomain: inv.jitsi.guestDomain });
  await root(`cat > ${PATHS.configJs}`, configJs);
  await restartProsody();
  await root(`read -r pw; printf '%s\\n%s\\n' "$pw" "$pw" | prosodyctl register focus auth.${d} >/dev/null`, focusPassword + "\n");
  await root(`prosodyctl mod_roster_command subscribe focus.${d} focus@auth.${d} >/dev/null`);
  // As the accounts task does: restart Prosody after the roster change. A running Prosody caches the rosters of
  // offline users (rostermanager's roster_cache), so without it focus@auth may log in with a roster that lacks
  // focus.DOMAIN, its presence never reaches client_proxy, and focus answers service-unavailable.
  await restartProsody();
  await restartJicofo();
}

async function restartProsody(): Promise<void> {
  // Wait for the old process to go before starting (the sandbox unit's stop returns before Prosody has exited).
  await root("systemctl stop prosody; for i in $(seq 100); do systemctl is-active -q prosody || break; sleep 0.1; done");
  await root("systemctl start prosody; for i in $(seq 100); do systemctl is-active -q prosody && exit 0; sleep 0.1; done; exit 1");
}

async function restartJicofo(): Promise<void> {
  await root("systemctl stop jicofo; : > /var/log/jicofo/jicofo.log; systemctl start jicofo");
  for (let i = 0; i < 100; i++) {
    const log = await root("cat /var/log/jicofo/jicofo.log 2>/dev/null || true");
    if (/Registered as focus@auth\./.test(log)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`jicofo did not log in: ${await root("tail -20 /var/log/jicofo/jicofo.log; journalctl -u prosody -n 20 -o cat")}`);
}

beforeAll(async () => {
  box = await upHost(name, { state: "jitsi-installed" });
  inv = loadInventory(name, { dir: INVENTORY_DIR });
  await configureByHand();
  host = await connectSsh(name, inv.ssh);
}, 180_000);

afterAll(async () => {
  await host?.close();
  await box?.down();
}, 60_000);

describe("verifyHost on a sandbox host", () => {
  it("says the token provider is not loaded while the Lua libraries are missing (docs/failure-modes.md #1)", async () => {
    // The jitsi-installed state has Prosody and the plugins but not lua-basexx & co (the provisioner installs them).
    const results = await verifyHost(host!, inv, { web: false });
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(by.a!.detail).toMatch(/^no SASL mechanisms on .*: the token auth provider is not loaded \(app_id\/app_secret or a Lua library missing\?\)/);
    expect(by.b, formatChecks(results)).toMatchObject({ ok: true });
    expect(by.d!.ok).toBe(false);
    expect(by.c!.skipped && by.g!.skipped).toBe(true);
  }, 60_000);

  it("passes all seven checks once the Lua libraries are installed", async () => {
    await root("runuser -u arch -- yay -S --noconfirm --needed lua-basexx lua-cjson lua-inspect lua-luaossl >/dev/null 2>&1");
    await restartProsody();
    await restartJicofo();
    const results = await verifyHost(host!, inv, { web: false });
    const table = formatChecks(results);
    expect(results.filter((r) => !r.ok), table).toEqual([]);
    expect(results.map((r) => r.name)).toEqual([
      "token-opens-room",
      "guest-cannot-open",
      "guest-joins-opened",
      "no-token-refused",
      "wrong-secret-refused",
      "expired-refused",
      "room-scoped",
    ]);
    const by = Object.fromEntries(results.map((r) => [r.id, r.detail]));
    expect(by.b).toMatch(/not-authorized/);
    expect(by.d).toMatch(/token required/);
    expect(by.e).toMatch(/Invalid signature/);
    expect(by.f).toMatch(/Not acceptable by exp/);
    expect(by.g).toMatch(/not-allowed/);
    expect(table).not.toContain(inv.jwt.appSecret);
    expect(table).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    // Nothing left behind: no connection to Prosody's HTTP port survives the run (jicofo uses 5222).
    await new Promise((r) => setTimeout(r, 300));
    const open = await root(`ss -tnH state established '( dport = :5280 )' dst ${box!.ip} || true`);
    expect(open.trim()).toBe("");
  }, 60_000);

  it("names jicofo when it is down, and Prosody when it is down", async () => {
    await root("systemctl stop jicofo");
    const r1 = await verifyHost(host!, inv, { timeoutMs: 5000, web: false });
    expect(r1[0]!.detail).toMatch(/^jicofo is not connected to Prosody \(focus\..* has no focus presence\)/);
    expect(r1.find((r) => r.id === "d")!.ok).toBe(true);
    await root("systemctl stop prosody");
    const r2 = await verifyHost(host!, inv, { timeoutMs: 5000, web: false });
    expect(r2[0]!.detail).toMatch(new RegExp(`^Prosody is not listening on ${inv.jitsi.prosodyAddress.replace(/\./g, "\\.")}:5280 on ${name}`));
    expect(r2.slice(1).every((r) => r.skipped)).toBe(true);
  }, 60_000);
});

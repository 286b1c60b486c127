// Configuration against a sandbox host with the real Prosody: configure, idempotence, hand edits kept,
// validation and rollback, a missing Lua module caught before any restart.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { provision, readReport, status } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "provision-config-"));
const CONFIG_JS = "/etc/webapps/jitsi-meet/config.js";
/** Every kind of quote, backslashes, Lua long brackets, a newline, template and script syntax, non-ASCII. */
const HOSTILE_SECRET = `q"uo'te\\ ]]=]] ]=] \n--[[ \${x} \` </script> üñï ✓ ${"x".repeat(8)}`;
const ENV = { JWT_APP_SECRET: HOSTILE_SECRET };
const hosts: SandboxHost[] = [];
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.down()));
});

describe("configuration from jitsi-installed", () => {
  let h: SandboxHost;
  const domain = "ca.sandbox.test";
  const include = `/etc/prosody/conf.d/${domain}.cfg.lua`;
  beforeAll(async () => {
    h = await upHost("ca", { state: "jitsi-installed" });
    hosts.push(h);
    // An operator's hand edits that provisioning must keep.
    const edit = await h.exec(
      `sed -i 's|^var config = {|var config = {\\n    // Local tweak: keep this comment.\\n    startWithAudioMuted: true,|' ${CONFIG_JS} && grep -c 'Local tweak' ${CONFIG_JS}`,
    );
    expect(edit.stdout.trim()).toBe("1");
  });

  it("configures everything in one run; Prosody accepts and runs it; files have the right owner and mode", async () => {
    const report = join(tmp, "ca-1.json");
    const r = await provision(["--host", "ca", "--report", report], ENV);
    expect(r.code, r.all).toBe(0);
    const [rep] = readReport(report);
    for (const t of ["certificates", "prosody", "jicofo", "accounts", "jitsi-meet", "restart"]) expect(status(rep!, t), t).toBe("changed");
    expect(rep!.restarts.slice(0, 2)).toEqual(["prosody", "jicofo"]);
    const check = await h.exec("prosodyctl check config; echo rc=$?");
    expect(check.stdout, check.stderr).toMatch(/rc=0/);
    expect((await h.exec("systemctl is-active prosody jicofo")).stdout.split("\n").filter(Boolean)).toEqual(["active", "active"]);
    // The AUR's users and groups: jicofo and jvb share the group jitsi, and their packages' tmpfiles rules make
    // every file in /etc/jicofo and /etc/jitsi-videobridge <user>:jitsi 0600 at each boot; the files end so
    // (readable by the service alone), and Prosody's include is readable by Prosody's group alone.
    const modes = await h.exec(`stat -c '%n %U:%G %a' ${include} /etc/jicofo/jicofo.conf /etc/jitsi-videobridge/jvb.conf /etc/jicofo/provision.conf /etc/jitsi-videobridge/provision.conf`);
    expect(modes.stdout).toContain(`${include} root:prosody 640`);
    expect(modes.stdout).toContain("/etc/jicofo/jicofo.conf jicofo:jitsi 600");
    expect(modes.stdout).toContain("/etc/jitsi-videobridge/jvb.conf jvb:jitsi 600");
    expect(modes.stdout).toContain("/etc/jicofo/provision.conf jicofo:jitsi 600");
    expect(modes.stdout).toContain("/etc/jitsi-videobridge/provision.conf jvb:jitsi 600");
    expect((await h.exec("getent group jicofo jvb; id -gn jicofo; id -gn jvb")).stdout.trim().split("\n")).toEqual(["jitsi", "jitsi"]);
    // The hand edit survived, and the hosts are set.
    const js = (await h.exec(`cat ${CONFIG_JS}`)).stdout;
    expect(js).toContain("// Local tweak: keep this comment.");
    expect(js).toContain("startWithAudioMuted: true,");
    expect(js).toMatch(/anonymousdomain: 'guest\.ca\.sandbox\.test'/);
    // The run ended with verification: tokens signed with the hostile secret were accepted, so the secret
    // Prosody reads is byte for byte the inventory's. It never shows in the output.
    expect(status(rep!, "verify")).toBe("unchanged");
    expect(r.all).not.toContain(HOSTILE_SECRET);
  });

  it("a second run changes nothing and restarts nothing", async () => {
    await h.clearCommandLog();
    const report = join(tmp, "ca-2.json");
    const r = await provision(["--host", "ca", "--report", report], ENV);
    expect(r.code, r.all).toBe(0);
    const [rep] = readReport(report);
    expect(rep!.changes).toBe(0);
    expect(rep!.restarts).toEqual([]);
    expect((await h.commandLog()).filter((l) => /^systemctl\(\w+\) (restart|start|stop)/.test(l))).toEqual([]);
  });

  it("--check --diff shows all three files with the secret masked, and changes nothing", async () => {
    // Drift: an operator changed a managed value by hand; the next check shows it.
    await h.exec(`sed -i 's/allow_empty_token = false/allow_empty_token = true/' ${include}`);
    await h.exec(`sed -i "s|anonymousdomain: 'guest.ca.sandbox.test'|anonymousdomain: 'other.example'|" ${CONFIG_JS}`);
    await h.exec("sed -i 's/login-url = \"ca.sandbox.test\"/login-url = \"x.example\"/' /etc/jicofo/provision.conf");
    const before = (await h.exec(`md5sum ${include} ${CONFIG_JS} /etc/jicofo/provision.conf /etc/jicofo/jicofo.conf`)).stdout;
    const r = await provision(["--host", "ca", "--check", "--diff"], ENV);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/^-\s+allow_empty_token = true$/m);
    expect(r.stdout).toMatch(/^\+\s+allow_empty_token = false$/m);
    expect(r.stdout).toMatch(/^\+\s+anonymousdomain: 'guest\.ca\.sandbox\.test',?$/m);
    expect(r.stdout).toMatch(/^\+jicofo\.authentication\.login-url = "ca\.sandbox\.test"$/m);
    expect(r.stdout).toMatch(/app_secret = "\*{8}"/);
    expect(r.all).not.toContain(HOSTILE_SECRET.slice(0, 12));
    expect((await h.exec(`md5sum ${include} ${CONFIG_JS} /etc/jicofo/provision.conf /etc/jicofo/jicofo.conf`)).stdout).toBe(before);
    const fixed = await provision(["--host", "ca"], ENV);
    expect(fixed.code, fixed.all).toBe(0);
  });
  it("an XMPP password that drifted from jicofo's (in /etc/jicofo/provision.conf) is put back, and only jicofo restarts", async () => {
    await h.exec("printf 'drifted-0123\\ndrifted-0123\\n' | prosodyctl passwd focus@auth.ca.sandbox.test >/dev/null 2>&1");
    const report = join(tmp, "ca-drift.json");
    const r = await provision(["--host", "ca", "--report", report], ENV);
    expect(r.code, r.all).toBe(0);
    const [rep] = readReport(report);
    expect(rep!.tasks.find((t) => t.name === "accounts")!.detail).toBe("set the password of focus@auth.ca.sandbox.test to jicofo's");
    expect(rep!.restarts).toEqual(["jicofo"]);
    expect(rep!.verification!.every((c) => c.ok)).toBe(true);
  });
});

describe("safety", () => {
  let h: SandboxHost;
  beforeAll(async () => {
    h = await upHost("cb", { state: "jitsi-installed" });
    hosts.push(h);
    const r = await provision(["--host", "cb"]);
    expect(r.code, r.all).toBe(0);
  });

  it("a config Prosody rejects at validation: previous files back, nothing restarted, exit 1 naming the problem", async () => {
    // A hand edit that leaves prosody.cfg.lua broken for Prosody's parser, and a change that needs a restart.
    await h.exec("printf '\\nmodules_enabled = {\\n' >> /etc/prosody/prosody.cfg.lua");
    const before = (await h.exec("md5sum /etc/prosody/prosody.cfg.lua /etc/prosody/conf.d/cb.sandbox.test.cfg.lua; systemctl show -p MainPID --value prosody")).stdout;
    await h.clearCommandLog();
    const r = await provision(["--host", "cb", "--skip", "verify"], { JWT_APP_ID: "another-app" });
    expect(r.code).toBe(1);
    expect(r.all).toMatch(/prosodyctl check config rejected the new configuration/);
    expect((await h.exec("md5sum /etc/prosody/prosody.cfg.lua /etc/prosody/conf.d/cb.sandbox.test.cfg.lua; systemctl show -p MainPID --value prosody")).stdout).toBe(before);
    expect((await h.commandLog()).filter((l) => /^systemctl\(\w+\) restart/.test(l))).toEqual([]);
    expect((await h.exec("systemctl is-active prosody")).stdout.trim()).toBe("active");
    await h.exec("sed -i '$ d' /etc/prosody/prosody.cfg.lua && sed -i '$ d' /etc/prosody/prosody.cfg.lua");
  });

  it("a restart that fails to load modules: previous files back, Prosody running with them, exit 1", async () => {
    const include = "/etc/prosody/conf.d/cb.sandbox.test.cfg.lua";
    const before = (await h.exec(`md5sum ${include}`)).stdout;
    // A wrong plugin directory passes validation but the token plugins cannot load after the restart.
    const r = await provision(["--host", "cb", "--skip", "verify"], { PROSODY_PLUGIN_DIR: "/usr/lib/jitsi-meet-prosody-missing" });
    expect(r.code).toBe(1);
    expect(r.all).toMatch(/prosody logged module load errors after the restart; rolled back/);
    expect(r.all).toMatch(/prosody running again with the previous files/);
    // Arch's Prosody logs to syslog only: the module's name came from the journal, the log files stay empty.
    expect(r.all).toMatch(/Unable to load module '[a-z_]+'|module '[a-z_]+' not found|Failed to load module '?[a-z_]+/);
    expect((await h.exec("grep -c syslog /etc/prosody/prosody.cfg.lua; cat /var/log/prosody/*.log /var/log/prosody/*.err 2>/dev/null | wc -c")).stdout.split("\n").slice(0, 2)).toEqual(["1", "0"]);
    expect((await h.exec(`md5sum ${include}`)).stdout).toBe(before);
    expect((await h.exec("systemctl is-active prosody")).stdout.trim()).toBe("active");
    const ok = await provision(["--host", "cb"]);
    expect(ok.code, ok.all).toBe(0);
  });

  it("a Lua module Prosody cannot load fails the run before any restart and names it", async () => {
    await h.exec("rm -f /usr/share/lua/5.4/inspect.lua");
    expect((await h.exec("lua5.4 -e 'require \"inspect\"'")).code).not.toBe(0);
    await h.clearCommandLog();
    const r = await provision(["--host", "cb"], { JWT_APP_ID: "changed-app" });
    expect(r.code).toBe(1);
    expect(r.all).toMatch(/cannot load inspect/);
    expect(r.all).toMatch(/lua-inspect/);
    expect((await h.commandLog()).filter((l) => /^systemctl\(\w+\) restart/.test(l))).toEqual([]);
    expect((await h.exec("grep -c changed-app /etc/prosody/conf.d/cb.sandbox.test.cfg.lua || true")).stdout.trim()).toBe("0");
  });
});

// State jitsi-installed: Jitsi packages present but the Lua libraries are not; Prosody starts with the default config.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downHost, upHost, type SandboxHost } from "./host.js";

let h: SandboxHost;
const asArch = (cmd: string) => h.exec(`cd /home/arch && runuser -u arch -- env PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/arch bash -c ${JSON.stringify(cmd).replace(/\$/g, "\\$")}`, { timeoutMs: 60_000 });
/** Probe a require with Prosody's own interpreter, as the prosody user. */
const probe = (mod: string) => h.exec(`runuser -u prosody -- lua5.4 -e 'require "${mod}"'`);

beforeAll(async () => {
  h = await upHost("jitsi-inst", { state: "jitsi-installed" });
});
afterAll(async () => {
  await downHost("jitsi-inst").catch(() => undefined);
});

describe("jitsi-installed host", () => {
  it("has the Jitsi packages and yay, not the token plugin's Lua libraries, and an empty command log", async () => {
    expect(await h.commandLog()).toEqual([]);
    const q = await asArch("pacman -Qq");
    for (const p of ["yay-bin", "prosody", "lua-sec", "nginx", "jitsi-meet-prosody", "jicofo", "jitsi-videobridge", "jitsi-meet"]) expect(q.stdout).toContain(`${p}\n`);
    for (const p of ["lua-basexx", "lua-cjson", "lua-luaossl", "lua-inspect"]) expect(q.stdout).not.toContain(`${p}\n`);
    expect((await asArch("systemctl is-active prosody")).stdout).toBe("inactive\n");
  });

  it("Lua modules are hidden until their package is installed", async () => {
    for (const mod of ["inspect", "basexx", "cjson.safe", "openssl.hmac"]) {
      const r = await probe(mod);
      expect(r.code, mod).not.toBe(0);
      expect(r.stderr).toContain(`module '${mod}' not found`);
    }
    expect((await probe("ssl")).code).toBe(0); // lua-sec came with prosody
    const r = await asArch("yay -S --needed --noconfirm lua-inspect lua-basexx lua-cjson lua-luaossl");
    expect(r.code).toBe(0);
    for (const mod of ["inspect", "basexx", "cjson.safe", "openssl.hmac", "openssl.digest", "openssl.pkey"]) expect((await probe(mod)).code, mod).toBe(0);
  });

  it("Prosody starts with the Arch default config via systemctl, and check config passes", async () => {
    const check = await asArch("sudo prosodyctl check config");
    expect(check.code).toBe(0);
    const start = await asArch("sudo systemctl start prosody");
    expect(start.code).toBe(0);
    expect((await asArch("systemctl is-active prosody")).stdout).toBe("active\n");
    const ps = await h.exec("ps -o user= -C lua5.4");
    expect(ps.stdout.trim()).toBe("prosody");
    const listen = await h.exec("ss -Hltn");
    expect(listen.stdout).toContain(`${h.ip}:5222`);
    // 5280 opens only once an HTTP module (bosh/websocket) is loaded; the default config loads none.
    expect((await asArch("sudo systemctl stop prosody")).code).toBe(0);
    expect((await asArch("systemctl is-active prosody")).stdout).toBe("inactive\n");
  });
});

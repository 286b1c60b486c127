// The lab is Arch as it ships today (docs/arch.md): Prosody 13 logging to syslog, the AUR's shared `jitsi` group,
// and a -nightly variant refused before any change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { provision } from "./helpers.js";

const hosts: SandboxHost[] = [];
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.down()));
});

describe("a jitsi-installed host looks like Arch with the AUR packages", () => {
  let h: SandboxHost;
  beforeAll(async () => {
    h = await upHost("aa", { state: "jitsi-installed" });
    hosts.push(h);
  });

  it("runs Prosody 13 on Lua 5.4, configured to log to syslog only, as Arch's package leaves it", async () => {
    const about = await h.exec("prosodyctl about");
    expect(about.stdout).toMatch(/^Prosody 13\./m);
    expect(about.stdout).toMatch(/Lua 5\.4/);
    const cfg = (await h.exec("cat /etc/prosody/prosody.cfg.lua; stat -c '%U:%G %a' /etc/prosody/prosody.cfg.lua")).stdout;
    expect(cfg).toMatch(/^\tinfo = "\*syslog";/m);
    expect(cfg).toMatch(/^\t-- info = "prosody\.log";/m);
    expect(cfg).toMatch(/root:root 644\n$/);
  });

  it("has the AUR's users and modes: jicofo and jvb in the shared group jitsi, no per-service groups, 0700/0600", async () => {
    const r = await h.exec(
      "id -gn jicofo; id -gn jvb; getent group jicofo jvb || echo no-service-groups; stat -c '%n %U:%G %a' /etc/jicofo /etc/jicofo/jicofo.conf /etc/jitsi-videobridge /etc/jitsi-videobridge/jvb.conf",
    );
    expect(r.stdout.split("\n").filter(Boolean)).toEqual([
      "jitsi",
      "jitsi",
      "no-service-groups",
      "/etc/jicofo jicofo:jitsi 700",
      "/etc/jicofo/jicofo.conf jicofo:jitsi 600",
      "/etc/jitsi-videobridge jvb:jitsi 700",
      "/etc/jitsi-videobridge/jvb.conf jvb:jitsi 600",
    ]);
    // The units say who they run as; provision reads that instead of guessing.
    const show = await h.exec("systemctl show -p User -p Group jicofo; systemctl show -p User --value jitsi-videobridge");
    expect(show.stdout).toMatch(/^User=jicofo$/m);
    expect(show.stdout).toMatch(/^Group=$/m);
    expect(show.stdout).toMatch(/^jvb$/m);
  });

  it("a syslog message from Prosody reaches the journal of prosody.service", async () => {
    await h.exec("logger -t prosody 'modulemanager: sandbox journal probe'");
    const j = await h.exec("journalctl -u prosody -o cat --no-pager");
    expect(j.stdout).toContain("modulemanager: sandbox journal probe");
  });
});

describe("a -nightly variant", () => {
  let h: SandboxHost;
  beforeAll(async () => {
    h = await upHost("ab", { state: "jitsi-installed" });
    hosts.push(h);
    // As an operator would: from the AUR with yay, as the login user.
    const r = await h.exec("runuser -u arch -- yay -S --noconfirm jicofo-nightly >/dev/null && pacman -Q jicofo-nightly");
    expect(r.stdout, r.stderr).toMatch(/^jicofo-nightly /);
  });

  it("is refused before any change, naming the variant and the fix", async () => {
    const files = "/etc/prosody/prosody.cfg.lua /etc/jicofo/jicofo.conf /etc/jitsi-videobridge/jvb.conf /etc/webapps/jitsi-meet/config.js /etc/nginx/nginx.conf";
    const before = (await h.exec(`md5sum ${files}; ls /etc/prosody`)).stdout;
    await h.clearCommandLog();
    const r = await provision(["--host", "ab"]);
    expect(r.code).toBe(1);
    expect(r.all).toMatch(/jicofo-nightly is a variant package of the Jitsi stack that provision does not manage/);
    expect(r.all).toMatch(/sudo pacman -R jicofo-nightly/);
    expect((await h.exec(`md5sum ${files}; ls /etc/prosody`)).stdout).toBe(before);
    // Nothing but reading ran: no package manager action, no service touched, no file written.
    const log = await h.commandLog();
    expect(log.filter((l) => /^(yay|makepkg|git)\(|^pacman\(\w+\) -[SUR]|^systemctl\(\w+\) (start|stop|restart|enable)/.test(l))).toEqual([]);
  });
});

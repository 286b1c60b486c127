// The stand-ins behave like pacman, yay, systemctl, git and makepkg, including how they fail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downHost, upHost, type SandboxHost } from "./host.js";

let h: SandboxHost;
/** Runs a command as the login user arch (login shell PATH, like an SSH session). */
const asArch = (cmd: string) => h.exec(`cd /home/arch && runuser -u arch -- env PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/arch bash -c ${JSON.stringify(cmd).replace(/\$/g, "\\$")}`);

beforeAll(async () => {
  h = await upHost("stand-ins");
});
afterAll(async () => {
  await downHost("stand-ins").catch(() => undefined);
});

describe("fresh host", () => {
  it("is bare: no yay, git or makepkg on PATH, no /etc/prosody, only base packages", async () => {
    const r = await asArch("command -v yay git makepkg prosodyctl; ls /etc/prosody; pacman -Qq");
    expect(r.stdout).not.toMatch(/yay|git$|makepkg|prosodyctl/m);
    expect(r.stderr).toMatch(/cannot access '\/etc\/prosody'/);
    expect(r.stdout).toContain("base\n");
    expect(r.stdout).not.toContain("prosody");
  });
});

describe("pacman", () => {
  it("-Q prints 'name version' (epochs kept), -Qq names; -Q of a missing package prints the found ones and exits 1", async () => {
    const all = await asArch("pacman -Q");
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("iana-etc 1:20241206-1\n");
    const some = await asArch("pacman -Q sudo nosuch base");
    expect(some.code).toBe(1);
    expect(some.stdout).toBe("sudo 1.9.16.p2-1\nbase 3-2\n");
    expect(some.stderr).toBe("error: package 'nosuch' was not found\n");
    const qi = await asArch("pacman -Qi sudo");
    expect(qi.stdout).toMatch(/^Name +: sudo$/m);
    expect(qi.stdout).toMatch(/^Version +: 1\.9\.16\.p2-1$/m);
  });

  it("-S needs root, refuses unknown and AUR targets without installing anything", async () => {
    const user = await asArch("pacman -S --needed --noconfirm git");
    expect(user.code).toBe(1);
    expect(user.stderr).toBe("error: you cannot perform this operation unless you are root.\n");
    const bad = await asArch("sudo pacman -S --needed --noconfirm git nosuch jitsi-meet");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("error: target not found: nosuch\n");
    expect(bad.stderr).toContain("error: target not found: jitsi-meet\n");
    expect((await asArch("pacman -Q git")).code).toBe(1);
  });

  it("-S --needed installs once, then skips with pacman's warning", async () => {
    const first = await asArch("sudo pacman -S --needed --noconfirm git base-devel");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("(1/2) installing git");
    const again = await asArch("sudo pacman -S --needed --noconfirm git");
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("warning: git-2.47.1-1 is up to date -- skipping");
    expect(again.stdout).toContain("there is nothing to do");
  });
});

describe("bootstrap: git clone + makepkg", () => {
  it("makepkg refuses root with exit 10", async () => {
    const r = await h.exec("cd /tmp && makepkg -si --noconfirm");
    expect(r.code).toBe(10);
    expect(r.stderr).toContain("==> ERROR: Running makepkg as root is not allowed");
  });

  it("git clone fails like git for unreachable hosts; AUR clone + makepkg -si installs yay-bin", async () => {
    await asArch("sudo pacman -S --needed --noconfirm git base-devel");
    const far = await asArch("git clone https://github.com/Jguer/yay.git /tmp/y");
    expect(far.code).toBe(128);
    expect(far.stderr).toContain("fatal: unable to access 'https://github.com/Jguer/yay.git': Could not resolve host: github.com");
    await h.clearCommandLog();
    const r = await asArch("git clone --depth 1 https://aur.archlinux.org/yay-bin.git /tmp/yay-bin && cd /tmp/yay-bin && makepkg -si --noconfirm");
    expect(r.code).toBe(0);
    expect((await asArch("command -v yay")).stdout).toBe("/usr/local/bin/yay\n");
    expect(await h.commandLog()).toEqual([
      "git(arch) clone --depth 1 https://aur.archlinux.org/yay-bin.git /tmp/yay-bin",
      "makepkg(arch) -si --noconfirm",
      "pacman(root) -U --noconfirm -- /tmp/yay-bin/yay-bin-12.4.2-1-x86_64.pkg.tar.zst",
    ]);
    const again = await asArch("git clone https://aur.archlinux.org/yay-bin.git /tmp/yay-bin");
    expect(again.code).toBe(128);
    expect(again.stderr).toContain("already exists and is not an empty directory");
  });
});

describe("yay", () => {
  it("as root: warns, and cannot build AUR packages", async () => {
    const r = await h.exec("yay -S --needed --noconfirm jitsi-meet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("-> Avoid running yay as root/sudo.");
    expect(r.stderr).toContain("Running makepkg as root is not allowed");
    expect((await h.exec("pacman -Q jitsi-meet")).code).toBe(1);
  });

  it("an unknown package fails the whole install", async () => {
    const r = await asArch("yay -S --needed --noconfirm lua-inspect nosuch");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(" -> Could not find all required packages:\n    nosuch (Target)\n");
    expect((await asArch("pacman -Q lua-inspect")).code).toBe(1);
  });

  it("installs repo and AUR packages through sudo pacman; --needed skips installed ones", async () => {
    await h.clearCommandLog();
    const r = await asArch("yay -S --needed --noconfirm lua-inspect jitsi-meet");
    expect(r.code).toBe(0);
    const log = await h.commandLog();
    expect(log[0]).toBe("yay(arch) -S --needed --noconfirm lua-inspect jitsi-meet");
    expect(log).toContain("pacman(root) -S --config /etc/pacman.conf --needed --noconfirm -- lua-inspect");
    expect(log.some((l) => /^pacman\(root\) -U .*jitsi-meet-1\.0\.8792-1-x86_64\.pkg\.tar\.zst$/.test(l))).toBe(true);
    expect((await asArch("cat /etc/webapps/jitsi-meet/config.js")).stdout).toContain("domain: 'jitsi-meet.example.com'");
    await h.clearCommandLog();
    const again = await asArch("yay -S --needed --noconfirm lua-inspect");
    expect(again.stdout).toContain(" -> lua-inspect-3.1.3-3 is up to date -- skipping");
    expect(await h.commandLog()).toEqual(["yay(arch) -S --needed --noconfirm lua-inspect"]);
  });
});

describe("systemctl", () => {
  it("a unit of a package that is not installed is not found (exit 5); is-active says inactive (exit 3)", async () => {
    const r = await h.exec("systemctl start jicofo");
    expect(r.code).toBe(5);
    expect(r.stderr).toBe("Failed to start jicofo.service: Unit jicofo.service not found.\n");
    const a = await asArch("systemctl is-active jicofo.service");
    expect([a.code, a.stdout]).toEqual([3, "inactive\n"]);
  });

  it("needs root to start; a failing start reports like systemd and is-active says failed", async () => {
    await asArch("yay -S --needed --noconfirm prosody");
    const user = await asArch("systemctl restart prosody");
    expect(user.code).toBe(1);
    expect(user.stderr).toContain("Failed to restart prosody.service: Interactive authentication required.");
    await h.exec("echo 'this is not lua' >> /etc/prosody/prosody.cfg.lua");
    const bad = await asArch("sudo systemctl start prosody.service");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'Job for prosody.service failed because the control process exited with error code.\nSee "systemctl status prosody.service" and "journalctl -xeu prosody.service" for details.\n',
    );
    const st = await asArch("systemctl is-active prosody");
    expect([st.code, st.stdout]).toEqual([3, "failed\n"]);
  });
});

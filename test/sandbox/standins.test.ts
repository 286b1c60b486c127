// The stand-ins behave like pacman, yay, systemctl, git and makepkg, including how they fail.
import { readFileSync } from "node:fs";
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
  it("a unit of a package that is not installed is not found: start exits 5; is-active says inactive, is-enabled not-found (exit 4, systemd ≥ 253)", async () => {
    const r = await h.exec("systemctl start jicofo");
    expect(r.code).toBe(5);
    expect(r.stderr).toBe("Failed to start jicofo.service: Unit jicofo.service not found.\n");
    const a = await asArch("systemctl is-active jicofo.service");
    expect([a.code, a.stdout]).toEqual([4, "inactive\n"]);
    const e = await asArch("systemctl is-enabled jicofo");
    expect([e.code, e.stdout, e.stderr]).toEqual([4, "not-found\n", ""]);
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

/** `systemctl show` output as a map (KEY=value lines). */
const props = (out: string) => new Map(out.split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const));
/** User= or Group= of the unit file a package installs (what systemd, and the stand-in, read). */
const declared = (pkg: string, unit: string, key: "User" | "Group") =>
  new RegExp(`^${key}=(.*)$`, "m").exec(readFileSync(new URL(`./packages/${pkg}/files/usr/lib/systemd/system/${unit}.service`, import.meta.url), "utf8"))?.[1] ?? "";
const PRETTY = /^[A-Z][a-z]{2} \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+$/;

describe("systemctl: unit state from the stand-in's state files", () => {
  beforeAll(async () => {
    // The previous describe left Prosody's config broken on purpose.
    await h.exec("sed -i '/this is not lua/d' /etc/prosody/prosody.cfg.lua");
    // It also left the unit failed: systemd keeps that until reset-failed (or a successful start).
    expect((await h.exec("systemctl reset-failed prosody; systemctl is-active prosody")).stdout).toBe("inactive\n");
  });

  it("show before any start: properties of a stopped unit, empty timestamps; a unit nobody provides is not-found (exit 0)", async () => {
    const s = props((await asArch("systemctl show prosody")).stdout);
    expect(Object.fromEntries(s)).toMatchObject({ Id: "prosody.service", LoadState: "loaded", ActiveState: "inactive", SubState: "dead", MainPID: "0", UnitFileState: "disabled", FragmentPath: "/usr/lib/systemd/system/prosody.service" });
    expect(s.has("ActiveEnterTimestamp")).toBe(false); // empty properties are hidden unless asked for
    const ts = await asArch("systemctl show -p ActiveEnterTimestamp,ExecMainStartTimestamp prosody");
    expect(ts.stdout).toBe("ExecMainStartTimestamp=\nActiveEnterTimestamp=\n");
    const nf = await asArch("systemctl show nosuch.service");
    expect(nf.code).toBe(0);
    expect(Object.fromEntries(props(nf.stdout))).toEqual({ MainPID: "0", Id: "nosuch.service", LoadState: "not-found", ActiveState: "inactive", SubState: "dead" });
    const nfp = await asArch("systemctl show -p LoadState,UnitFileState,User nosuch");
    expect(nfp.stdout).toBe("User=\nLoadState=not-found\nUnitFileState=\n");
  });

  it("show of a running unit: User/Group from the unit file, MainPID is the process running as that user, --value, --timestamp=unix", async () => {
    const before = Math.floor(Date.now() / 1000);
    expect((await asArch("sudo systemctl start prosody")).code).toBe(0);
    const after = Math.ceil(Date.now() / 1000);
    const s = props((await asArch("systemctl show prosody")).stdout);
    const user = declared("prosody", "prosody", "User");
    expect(user).not.toBe("");
    expect(s.get("User")).toBe(user);
    expect(s.get("Group")).toBe(declared("prosody", "prosody", "Group"));
    expect([s.get("ActiveState"), s.get("SubState")]).toEqual(["active", "running"]);
    const pid = Number(s.get("MainPID"));
    expect(pid).toBeGreaterThan(0);
    expect((await h.exec(`ps -o user= -p ${pid}`)).stdout.trim()).toBe(user);
    expect(s.get("ActiveEnterTimestamp")).toMatch(PRETTY);
    expect(s.get("ExecMainStartTimestamp")).toMatch(PRETTY);

    const v = await asArch("systemctl show -p User --value prosody.service");
    expect(v.stdout).toBe(`${user}\n`);
    // Several units: a blank line between them, as systemd prints; a unit without User= gives an empty value.
    const two = await asArch("systemctl show --property=User,Group --value prosody nosuch");
    expect(two.stdout).toBe(`${user}\n${declared("prosody", "prosody", "Group")}\n\n\n\n`);
    const unix = await asArch("systemctl show -p ActiveEnterTimestamp -p ExecMainStartTimestamp --timestamp=unix prosody");
    const m = /^ExecMainStartTimestamp=@(\d+)\nActiveEnterTimestamp=@(\d+)\n$/.exec(unix.stdout);
    expect(m, unix.stdout).not.toBeNull();
    const [exec, entered] = [Number(m![1]), Number(m![2])];
    expect(exec).toBeGreaterThanOrEqual(before);
    expect(entered).toBeGreaterThanOrEqual(exec);
    expect(entered).toBeLessThanOrEqual(after);
    const st = await asArch("systemctl status prosody");
    expect(st.code).toBe(0);
    expect(st.stdout).toContain(`   Main PID: ${pid} (`);
    expect(st.stdout).toMatch(/Active: active \(running\) since .+; \d+s ago/);
  });

  it("a start of a running unit is a no-op; a restart changes MainPID and ActiveEnterTimestamp", async () => {
    const q = "systemctl show -p MainPID,ActiveEnterTimestamp --timestamp=us prosody";
    const first = (await asArch(q)).stdout;
    expect(first).toMatch(/^MainPID=\d+\nActiveEnterTimestamp=.+\.\d{6} \S+\n$/);
    await h.clearCommandLog();
    expect((await asArch("sudo systemctl start prosody")).code).toBe(0);
    expect((await asArch(q)).stdout).toBe(first);
    expect(await h.commandLog()).toEqual(["systemctl(root) start prosody", `systemctl(arch) ${q.slice("systemctl ".length)}`]);
    expect((await asArch("sudo systemctl restart prosody")).code).toBe(0);
    const again = props((await asArch(q)).stdout);
    const was = props(first);
    expect(again.get("MainPID")).not.toBe(was.get("MainPID"));
    expect(again.get("ActiveEnterTimestamp")).not.toBe(was.get("ActiveEnterTimestamp"));
    expect((await asArch("systemctl is-active prosody")).stdout).toBe("active\n");
  });

  it("a main process that dies makes the unit failed (is-active exit 3, is-failed exit 0); stop keeps it failed; start makes it active", async () => {
    const pid = (await asArch("systemctl show -p MainPID --value prosody")).stdout.trim();
    await h.exec(`kill -KILL ${pid}; while [ -e /proc/${pid} ]; do sleep 0.05; done`);
    const a = await asArch("systemctl is-active prosody");
    expect([a.code, a.stdout]).toEqual([3, "failed\n"]);
    const f = await asArch("systemctl is-failed prosody");
    expect([f.code, f.stdout]).toEqual([0, "failed\n"]);
    expect(Object.fromEntries(props((await asArch("systemctl show -p ActiveState,SubState,MainPID prosody")).stdout))).toEqual({ MainPID: "0", ActiveState: "failed", SubState: "failed" });
    expect((await asArch("systemctl status prosody")).code).toBe(3);
    expect((await asArch("sudo systemctl stop prosody")).code).toBe(0);
    expect((await asArch("systemctl is-active prosody")).stdout).toBe("failed\n");
    expect((await asArch("sudo systemctl start prosody")).code).toBe(0);
    expect((await asArch("systemctl is-active prosody")).stdout).toBe("active\n");
    expect((await asArch("sudo systemctl stop prosody")).code).toBe(0);
    const s = await asArch("systemctl is-active prosody");
    expect([s.code, s.stdout]).toEqual([3, "inactive\n"]);
    // A stopped unit keeps its last ActiveEnterTimestamp, as systemd does.
    expect((await asArch("systemctl show -p ActiveEnterTimestamp --value --timestamp=unix prosody")).stdout).toMatch(/^@\d+\n$/);
  });

  it("is-active and is-enabled answer per unit; exit 0 when any unit is active/enabled (systemd's rule)", async () => {
    expect((await asArch("sudo systemctl start prosody")).code).toBe(0);
    const a = await asArch("systemctl is-active prosody nosuch");
    expect([a.code, a.stdout]).toEqual([0, "active\ninactive\n"]);
    const none = await asArch("systemctl is-active nosuch other");
    expect([none.code, none.stdout]).toEqual([4, "inactive\ninactive\n"]);
    const e = await asArch("systemctl is-enabled prosody nosuch");
    expect([e.code, e.stdout]).toEqual([1, "disabled\nnot-found\n"]);
    expect((await asArch("sudo systemctl enable prosody")).code).toBe(0);
    expect((await asArch("systemctl is-enabled prosody")).stdout).toBe("enabled\n");
    expect((await asArch("systemctl show -p UnitFileState --value prosody")).stdout).toBe("enabled\n");
    expect((await asArch("sudo systemctl stop prosody")).code).toBe(0);
  });

  it("the unit index follows the package: pacman -S makes nginx's unit known (no User=), pacman -R makes it not-found", async () => {
    expect((await asArch("sudo pacman -S --noconfirm nginx")).code).toBe(0);
    expect((await h.exec("cat /var/lib/pacman/sandbox-units/nginx")).stdout).toBe("nginx\n");
    expect((await asArch("sudo systemctl start nginx")).code).toBe(0);
    const s = props((await asArch("systemctl show -p User,Group,MainPID,ActiveState nginx")).stdout);
    expect([s.get("User"), s.get("Group"), s.get("ActiveState")]).toEqual(["", "", "active"]);
    expect((await h.exec(`ps -o user=,comm= -p ${s.get("MainPID")}`)).stdout.trim()).toMatch(/^root +nginx$/);
    expect((await asArch("sudo systemctl stop nginx")).code).toBe(0);
    expect((await asArch("sudo pacman -R --noconfirm nginx")).code).toBe(0);
    expect((await h.exec("ls /var/lib/pacman/sandbox-units")).stdout).not.toContain("nginx");
    expect((await asArch("systemctl is-enabled nginx")).stdout).toBe("not-found\n");
    expect((await asArch("systemctl show -p LoadState --value nginx")).stdout).toBe("not-found\n");
  });
});

// From a bare Arch host (base + sudo) to a verified server in one run; the second run changes nothing.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { provision, readReport, status } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "provision-bootstrap-"));
let h: SandboxHost;
beforeAll(async () => {
  h = await upHost("bs", { state: "fresh" });
});
afterAll(async () => {
  await h?.down();
});

describe("from fresh", () => {
  it("--check plans the bootstrap, skips what needs it, and changes nothing", async () => {
    const before = (await h.exec("pacman -Q; command -v yay || echo no-yay; ls /etc/prosody 2>&1")).stdout;
    const report = join(tmp, "check.json");
    const r = await provision(["--host", "bs", "--check", "--report", report]);
    expect(r.code, r.all).toBe(0);
    const [rep] = readReport(report);
    expect(status(rep!, "bootstrap")).toBe("changed");
    expect(rep!.tasks.find((t) => t.name === "bootstrap")!.detail).toMatch(/install yay from the AUR.*install prosody lua-sec nginx jitsi-meet-prosody jicofo jitsi-videobridge jitsi-meet/);
    expect(status(rep!, "prosody")).toBe("skipped");
    expect((await h.exec("pacman -Q; command -v yay || echo no-yay; ls /etc/prosody 2>&1")).stdout).toBe(before);
  });

  it("one run installs yay and the stack, configures it, and every check passes", async () => {
    await h.clearCommandLog();
    const report = join(tmp, "first.json");
    const r = await provision(["--host", "bs", "--report", report]);
    expect(r.code, r.all).toBe(0);
    const [rep] = readReport(report);
    expect(rep!.ok).toBe(true);
    expect(rep!.verification!.map((c) => [c.name, c.ok])).toEqual([
      ["token-opens-room", true],
      ["guest-cannot-open", true],
      ["guest-joins-opened", true],
      ["no-token-refused", true],
      ["wrong-secret-refused", true],
      ["expired-refused", true],
      ["room-scoped", true],
      ["web-path", true],
      ["bridges", true],
    ]);
    const log = await h.commandLog();
    // yay's own recipe, as the login user; never yay or makepkg as root.
    expect(log).toContain("pacman(root) -Sy --needed --noconfirm archlinux-keyring");
    expect(log).toContain("pacman(root) -S --needed --noconfirm git base-devel");
    expect(log.some((l) => /^git\(arch\) clone --depth 1 https:\/\/aur\.archlinux\.org\/yay-bin\.git /.test(l))).toBe(true);
    expect(log).toContain("makepkg(arch) -si --noconfirm");
    expect(log).toContain("yay(arch) -S --needed --noconfirm prosody lua-sec nginx jitsi-meet-prosody jicofo jitsi-videobridge jitsi-meet");
    expect(log.filter((l) => /^(yay|makepkg)\(root\)/.test(l))).toEqual([]);
    expect((await h.exec("systemctl is-enabled prosody jicofo jitsi-videobridge nginx")).stdout.split("\n").filter(Boolean)).toEqual(["enabled", "enabled", "enabled", "enabled"]);
  });

  it("a second run changes nothing, installs nothing and restarts nothing", async () => {
    await h.clearCommandLog();
    const report = join(tmp, "second.json");
    const r = await provision(["--host", "bs", "--report", report]);
    expect(r.code, r.all).toBe(0);
    const [rep] = readReport(report);
    expect(rep!.changes).toBe(0);
    expect(rep!.restarts).toEqual([]);
    expect(rep!.tasks.every((t) => t.status === "unchanged"), JSON.stringify(rep!.tasks, null, 1)).toBe(true);
    expect((await h.commandLog()).filter((l) => /^(yay|pacman)\(\w+\) -S|^makepkg|^git|^systemctl\(\w+\) (restart|start|enable)/.test(l))).toEqual([]);
  });
});

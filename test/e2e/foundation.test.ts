// The foundation against real sandbox hosts: installs, idempotence, --check, host keys, parallel hosts.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { provision, readReport, status } from "./helpers.js";

const hosts: SandboxHost[] = [];
const up = async (name: string, opts: Parameters<typeof upHost>[1] = {}) => {
  const h = await upHost(name, { state: "jitsi-installed", ...opts });
  hosts.push(h);
  return h;
};
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.down()));
});
const tmp = mkdtempSync(join(tmpdir(), "provision-e2e-"));
const ONLY = ["--only", "preflight,bootstrap,packages"];

describe("packages on a jitsi-installed host", () => {
  it("installs what is missing, then changes nothing and runs no install", async () => {
    const a = await up("fa");
    const report = join(tmp, "fa-1.json");
    const first = await provision(["--host", "fa", ...ONLY, "--report", report]);
    expect(first.code, first.all).toBe(0);
    const [r1] = readReport(report);
    expect(status(r1!, "packages")).toBe("changed");
    expect(r1!.tasks.find((t) => t.name === "packages")!.detail).toMatch(/install lua-basexx lua-cjson lua-luaossl lua-inspect/);
    const installs = (await a.commandLog()).filter((l) => /^yay\(arch\) -S --needed --noconfirm/.test(l));
    expect(installs).toEqual(["yay(arch) -S --needed --noconfirm lua-basexx lua-cjson lua-luaossl lua-inspect"]);

    await a.clearCommandLog();
    const second = await provision(["--host", "fa", ...ONLY, "--report", report]);
    expect(second.code, second.all).toBe(0);
    const [r2] = readReport(report);
    expect(r2!.changes).toBe(0);
    expect(r2!.tasks.filter((t) => t.status === "changed")).toEqual([]);
    expect(second.stdout).toMatch(/fa: ok — 0 changed/);
    const log = await a.commandLog();
    expect(log.filter((l) => /^(yay|pacman)\(\w+\) -S/.test(l) || /^makepkg/.test(l))).toEqual([]);
  });

  it("--check reports the pending installs and changes nothing", async () => {
    const b = await up("fb");
    const before = await b.exec("pacman -Q; find /etc /var/lib/prosody -type f -newer /etc/os-release 2>/dev/null | sort | md5sum");
    await b.clearCommandLog();
    const report = join(tmp, "fb.json");
    const r = await provision(["--host", "fb", "--check", "--report", report]);
    expect(r.code, r.all).toBe(0);
    const [rep] = readReport(report);
    expect(status(rep!, "packages")).toBe("changed");
    expect(rep!.tasks.find((t) => t.name === "packages")!.detail).toMatch(/^would: install lua-basexx/);
    expect(r.stdout).toMatch(/would change/);
    const after = await b.exec("pacman -Q; find /etc /var/lib/prosody -type f -newer /etc/os-release 2>/dev/null | sort | md5sum");
    expect(after.stdout).toBe(before.stdout);
    // Only queries ran: package and unit state, a unit's journal; nothing installed, started or written.
    expect((await b.commandLog()).filter((l) => !/^pacman\(\w+\) -(Q|T)|^systemctl\(\w+\) (is-enabled|is-active|show) |^journalctl\(\w+\) /.test(l))).toEqual([]);
  });
});

describe("host keys", () => {
  it("refuses a changed host key before any command runs", async () => {
    const c = await up("fc");
    const known = readFileSync(c.knownHostsFile, "utf8");
    // Swap the recorded key for another ed25519 key: exactly what a man-in-the-middle looks like.
    const other = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    writeFileSync(c.knownHostsFile, known.replace(/ssh-ed25519 \S+/, `ssh-ed25519 ${other}`));
    await c.clearCommandLog();
    const r = await provision(["--host", "fc", "--accept-new-host-key"]);
    expect(r.code).toBe(1);
    expect(r.all).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/);
    expect(r.all).toMatch(/SHA256:/);
    expect((await c.exec("grep -c 'Accepted publickey' /var/log/sshd.log || true")).stdout.trim()).toBe("0");
    expect(await c.commandLog()).toEqual([]);
  });

  it("refuses an unknown host, and accepts it with --accept-new-host-key", async () => {
    const d = await up("fd", { knownHosts: false });
    const refused = await provision(["--host", "fd", ...ONLY, "--check"]);
    expect(refused.code).toBe(1);
    expect(refused.all).toMatch(/SHA256:/);
    expect(refused.all).toMatch(/--accept-new-host-key/);
    expect((await d.exec("grep -c 'Accepted publickey' /var/log/sshd.log || true")).stdout.trim()).toBe("0");
    const accepted = await provision(["--host", "fd", ...ONLY, "--check", "--accept-new-host-key"]);
    expect(accepted.code, accepted.all).toBe(0);
    expect(readFileSync(d.knownHostsFile, "utf8")).toMatch(/127\.0\.0\.\d+ ssh-ed25519 /);
    const again = await provision(["--host", "fd", ...ONLY, "--check"]);
    expect(again.code, again.all).toBe(0);
  });
});

describe("several hosts", () => {
  it("runs both; one failing host does not stop the other", async () => {
    const e = await up("fe");
    const f = await up("ff");
    await f.exec("printf 'NAME=\"Debian GNU/Linux\"\\nID=debian\\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\\n' > /etc/os-release");
    const report = join(tmp, "ef.json");
    const r = await provision(["--host", "fe", "--host", "ff", ...ONLY, "--report", report, "--parallel", "2"]);
    expect(r.code).toBe(1);
    const reports = readReport(report);
    const re = reports.find((x) => x.host === "fe")!;
    const rf = reports.find((x) => x.host === "ff")!;
    expect(re.ok).toBe(true);
    expect(status(re, "packages")).toBe("changed");
    expect(rf.ok).toBe(false);
    expect(status(rf, "preflight")).toBe("failed");
    expect(rf.error).toMatch(/not Arch Linux \(os-release ID=debian, Debian GNU\/Linux 12/);
    expect(r.stdout).toMatch(/ff: FAILED/);
    expect((await e.commandLog()).some((l) => l.startsWith("yay(arch) -S"))).toBe(true);
  });
});

// Preflight: the host is Arch Linux, we are not root, sudo works without a password.
import { HostError } from "../src/errors.js";
import { isArch, parseOsRelease } from "../src/facts/os-release.js";
import { sections } from "../src/facts/sections.js";
import type { Task } from "../src/task.js";

export interface PreflightFacts {
  os: Record<string, string>;
  uid: number;
  sudo: boolean;
  sudoMessage: string;
}

// One round trip: os-release, our uid, whether sudo works without a password.
const GATHER = `cat /etc/os-release 2>/dev/null; echo "@@uid"; id -u; echo "@@sudo"; sudo -n true 2>&1 && echo sudo-ok`;

export const preflight: Task<PreflightFacts> = {
  name: "preflight",
  title: "check the host is Arch Linux with passwordless sudo",
  async gather({ host }) {
    const r = await host.check(["sh", "-c", GATHER]);
    const s = sections(r.stdout);
    const sudo = s.get("sudo") ?? "";
    return { os: parseOsRelease(s.get("") ?? ""), uid: Number(s.get("uid")), sudo: /sudo-ok$/.test(sudo), sudoMessage: sudo };
  },
  plan(inv, f) {
    if (!isArch(f.os))
      throw new HostError(`not Arch Linux (os-release says ${f.os.PRETTY_NAME ?? f.os.ID ?? "nothing"})`, {
        where: inv.name,
        fix: "provision only configures Arch Linux hosts; check SSH_HOST points at the right machine",
      });
    if (f.uid === 0)
      throw new HostError("logged in as root", {
        where: inv.name,
        fix: "set SSH_USER to a non-root user with passwordless sudo (yay refuses to run as root)",
      });
    if (!f.sudo)
      throw new HostError(`sudo needs a password for ${inv.ssh.user}`, {
        where: inv.name,
        lines: [f.sudoMessage],
        fix: `allow passwordless sudo: echo '${inv.ssh.user} ALL=(ALL) NOPASSWD: ALL' | sudo tee /etc/sudoers.d/provision`,
      });
    return { changes: [], reason: `${f.os.PRETTY_NAME ?? "Arch Linux"}, ${inv.ssh.user} has passwordless sudo` };
  },
};

// Preflight: the host is Arch Linux, we are not root, sudo works without a password.
import { HostError } from "../src/errors.js";
import { hostBasics, type HostBasics } from "../src/facts/host-basics.js";
import { isArch } from "../src/facts/os-release.js";
import { regularPackage, variantPackages } from "../src/platform.js";
import type { Task } from "../src/task.js";
import { titleOf } from "./catalog.js";

export type PreflightFacts = HostBasics;

/** Tokens carry nbf one minute in the past; a larger skew makes fresh tokens "not yet valid" or early-expired. */
export const MAX_CLOCK_SKEW = 45;

export const preflight: Task<PreflightFacts> = {
  name: "preflight",
  title: titleOf("preflight"),
  facts: () => hostBasics,
  plan(inv, f) {
    if (!isArch(f.os))
      // Quote what decided (ID, ID_LIKE), then the human name.
      throw new HostError(`not Arch Linux (os-release ${[`ID=${f.os.ID ?? "(none)"}`, f.os.ID_LIKE ? `ID_LIKE=${f.os.ID_LIKE}` : "", f.os.PRETTY_NAME ?? f.os.NAME ?? ""].filter(Boolean).join(", ")})`, {
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
    if (Math.abs(f.clockSkew) > MAX_CLOCK_SKEW)
      throw new HostError(`the host's clock is ${Math.abs(f.clockSkew)} s ${f.clockSkew > 0 ? "ahead of" : "behind"} this machine's`, {
        where: inv.name,
        fix: "synchronise both clocks (on the host: sudo timedatectl set-ntp true); tokens minted here would be refused there as not yet valid or expired",
      });
    const variants = variantPackages(f.packages);
    if (variants.length) {
      const many = variants.length > 1;
      throw new HostError(`${variants.join(", ")} ${many ? "are variant packages" : "is a variant package"} of the Jitsi stack that provision does not manage (other paths and unit names, e.g. /etc/jicofo-nightly and jicofo-nightly.service, beside the regular ones); nothing was changed`, {
        where: inv.name,
        fix: `remove ${many ? "them" : "it"} (sudo pacman -R ${variants.join(" ")}; changed settings stay in .pacsave files) and run again: the bootstrap task installs the regular packages (${[...new Set(variants.map(regularPackage))].join(", ")})`,
      });
    }
    return { changes: [], reason: `${f.os.PRETTY_NAME ?? "Arch Linux"}, ${inv.ssh.user} has passwordless sudo` };
  },
};

// Bootstrap: from a bare Arch host (base + sudo) to the Jitsi stack installed: yay from the AUR, then the packages.
import { stack, type StackState } from "../src/facts/stack.js";
import { INSTALL_YAY } from "../src/change-scripts.js";
import { ROLE_STACK } from "../src/platform.js";
import type { Change, Task } from "../src/task.js";
import { titleOf } from "./catalog.js";

/** yay's own install recipe (its README): git + base-devel from the repos, then build yay-bin from the AUR. */
export const YAY_AUR_URL = "https://aur.archlinux.org/yay-bin.git";

export type BootstrapFacts = StackState;

export const bootstrap: Task<BootstrapFacts> = {
  name: "bootstrap",
  title: titleOf("bootstrap"),
  // The Jitsi stack in install order, and the units to enable so that it comes back after a reboot: the whole stack on
  // a main host, only the bridge on a videobridge host.
  facts: (inv) => stack(ROLE_STACK[inv.role].packages, ROLE_STACK[inv.role].units),
  plan(inv, f) {
    const { packages: JITSI_PACKAGES, units: JITSI_UNITS } = ROLE_STACK[inv.role];
    const changes: Change[] = [];
    if (!f.yay) changes.push({ kind: "command", summary: "refresh the keyring, upgrade the system, install yay from the AUR (git clone yay-bin, makepkg -si)", argv: ["sh", "-c", INSTALL_YAY, "install-yay", YAY_AUR_URL] });
    if (f.missing.length) changes.push({ kind: "packages", names: [...f.missing] });
    const disabled = JITSI_UNITS.filter((u) => !f.enabled.has(u));
    // Enabled, not started here: the restart task starts them once their configuration is written.
    if (disabled.length) changes.push({ kind: "command", summary: `enable ${disabled.join(", ")}`, argv: ["systemctl", "enable", ...disabled], sudo: true, notify: disabled });
    return { changes, reason: `yay, ${JITSI_PACKAGES.join(", ")} installed; ${JITSI_UNITS.join(", ")} enabled` };
  },
};

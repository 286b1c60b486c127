// Bootstrap: from a bare Arch host (base + sudo) to the Jitsi stack installed: yay from the AUR, then the packages.
import { sections } from "../src/facts/sections.js";
import { PACKAGES, UNIT_ORDER } from "../src/platform.js";
import type { Change, Task } from "../src/task.js";

/** yay's own install recipe (its README): git + base-devel from the repos, then build yay-bin from the AUR. */
export const YAY_AUR_URL = "https://aur.archlinux.org/yay-bin.git";

// Run as the login user (makepkg refuses root). $1 AUR URL. Builds in a private temporary directory.
// A fresh box's keyring and package databases are stale: refresh the keyring first, then upgrade the whole
// system (Arch does not support partial upgrades), then install the build tools.
const INSTALL_YAY = `set -e
sudo -n pacman -Sy --needed --noconfirm archlinux-keyring
sudo -n pacman -Su --noconfirm
sudo -n pacman -S --needed --noconfirm git base-devel
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
git clone --depth 1 "$1" "$dir/yay-bin"
cd "$dir/yay-bin"
makepkg -si --noconfirm`;

/** The Jitsi stack, in install order. */
const JITSI_PACKAGES = PACKAGES;

/** Units to enable so that the stack comes back after a reboot. */
const JITSI_UNITS = UNIT_ORDER;

export interface BootstrapFacts {
  yay: boolean;
  /** Packages of the stack not installed, nor provided by an installed package (pacman -T: jicofo-bin provides jicofo). */
  missing: string[];
  enabled: Set<string>;
}

// One round trip: is yay on PATH, which packages are neither installed nor provided (pacman -T prints them),
// which units are enabled. Arguments: the packages, "--", the units.
const GATHER = `command -v yay >/dev/null 2>&1 && echo "@@yay yes" || echo "@@yay no"
echo "@@missing"; for a in "$@"; do shift; [ "$a" = -- ] && break; pacman -T "$a" 2>/dev/null; done
echo "@@enabled"; for u in "$@"; do [ "$(systemctl is-enabled "$u" 2>/dev/null)" = enabled ] && echo "$u"; done; exit 0`;

export const bootstrap: Task<BootstrapFacts> = {
  name: "bootstrap",
  title: "install yay and the Jitsi stack",
  async gather({ host }) {
    const r = await host.check(["sh", "-c", GATHER, "bootstrap", ...JITSI_PACKAGES, "--", ...JITSI_UNITS]);
    const s = sections(r.stdout);
    const unsatisfied = new Set((s.get("missing") ?? "").split("\n").filter(Boolean));
    return { yay: s.get("yay") === "yes", missing: JITSI_PACKAGES.filter((p) => unsatisfied.has(p)), enabled: new Set((s.get("enabled") ?? "").split("\n").filter(Boolean)) };
  },
  plan(_inv, f) {
    const changes: Change[] = [];
    if (!f.yay) changes.push({ kind: "command", summary: "refresh the keyring, upgrade the system, install yay from the AUR (git clone yay-bin, makepkg -si)", argv: ["sh", "-c", INSTALL_YAY, "install-yay", YAY_AUR_URL] });
    if (f.missing.length) changes.push({ kind: "packages", names: [...f.missing] });
    const disabled = JITSI_UNITS.filter((u) => !f.enabled.has(u));
    // Enabled, not started here: the restart task starts them once their configuration is written.
    if (disabled.length) changes.push({ kind: "command", summary: `enable ${disabled.join(", ")}`, argv: ["systemctl", "enable", ...disabled], sudo: true, notify: disabled });
    return { changes, reason: `yay, ${JITSI_PACKAGES.join(", ")} installed; ${JITSI_UNITS.join(", ")} enabled` };
  },
};

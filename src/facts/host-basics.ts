// The host's basics for the preflight: os-release, the login user's uid, sudo, the clock, the installed package names.
import type { Fact } from "./fact.js";
import { parseOsRelease } from "./os-release.js";
import { sections } from "./sections.js";

export interface HostBasics {
  os: Record<string, string>;
  /** The login user's uid (the batch runs through sudo: SUDO_UID). */
  uid: number;
  sudo: boolean;
  sudoMessage: string;
  /** Host clock minus this machine's, in seconds (tokens minted here must be valid there). */
  clockSkew: number;
  /** Installed packages (names only; empty where there is no pacman). */
  packages: string[];
}

// os-release, the login user's uid, whether sudo works without a password, the clock, the package names.
const BASICS = `cat /etc/os-release 2>/dev/null; echo "@@uid"; echo "\${SUDO_UID:-$(id -u)}"; echo "@@sudo"; sudo -n true 2>&1 && echo sudo-ok; echo "@@clock"; date +%s
echo "@@packages"; pacman -Qq 2>/dev/null; exit 0`;

/** Pure: BASICS's output, read at `readAt` (this machine's clock, seconds). */
export function parseHostBasics(stdout: string, readAt: number): HostBasics {
  const s = sections(stdout);
  const clockSkew = Math.round(Number(s.get("clock")) - readAt);
  const sudo = s.get("sudo") ?? "";
  return {
    os: parseOsRelease(s.get("") ?? ""),
    uid: Number(s.get("uid")),
    sudo: /sudo-ok$/.test(sudo),
    sudoMessage: sudo,
    clockSkew: Number.isFinite(clockSkew) ? clockSkew : 0,
    packages: (s.get("packages") ?? "").split("\n").filter(Boolean),
  };
}

/** The fact. */
export const hostBasics: Fact<HostBasics> = { name: "host-basics", script: BASICS, args: [], parse: parseHostBasics };

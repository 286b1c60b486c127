// Is the Jitsi stack installed and enabled: yay on PATH, the packages neither installed nor provided, the units enabled.
import type { Fact } from "./fact.js";
import { sections } from "./sections.js";

export interface StackState {
  yay: boolean;
  /** Packages not installed, nor provided by an installed package (pacman -T: jicofo-bin provides jicofo), in the order asked. */
  missing: string[];
  enabled: Set<string>;
}

// Arguments: the packages, "--", the units. pacman -T prints the packages nothing installed satisfies.
const STACK = `command -v yay >/dev/null 2>&1 && echo "@@yay yes" || echo "@@yay no"
echo "@@missing"; for a in "$@"; do shift; [ "$a" = -- ] && break; pacman -T "$a" 2>/dev/null; done
echo "@@enabled"; for u in "$@"; do [ "$(systemctl is-enabled "$u" 2>/dev/null)" = enabled ] && echo "$u"; done; exit 0`;

/** Pure: STACK's output for these packages. */
export function parseStack(stdout: string, packages: readonly string[]): StackState {
  const s = sections(stdout);
  const unsatisfied = new Set((s.get("missing") ?? "").split("\n").filter(Boolean));
  return { yay: s.get("yay") === "yes", missing: packages.filter((p) => unsatisfied.has(p)), enabled: new Set((s.get("enabled") ?? "").split("\n").filter(Boolean)) };
}

/** The fact, for these packages and units. */
export function stack(packages: readonly string[], units: readonly string[]): Fact<StackState> {
  return { name: "stack", script: STACK, args: [...packages, "--", ...units], parse: (out) => parseStack(out, packages) };
}

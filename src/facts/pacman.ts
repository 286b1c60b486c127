// Parse `pacman -Q` output ("name version" lines; versions may carry an epoch like 1:1.9.2-1).

/** Installed packages by name, from `pacman -Q`. Lines that are not "name version" are ignored. */
export function parsePacmanQ(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([a-z0-9@._+-]+) (\S+)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

// Parse `pacman -Q` output ("name version" lines; versions may carry an epoch like 1:1.9.2-1).

export interface PkgVersion {
  epoch: number;
  version: string;
  release: string;
}

/** Installed packages by name, from `pacman -Q`. Lines that are not "name version" are ignored. */
export function parsePacmanQ(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([a-z0-9@._+-]+) (\S+)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Split a pacman version `[epoch:]version[-release]`. */
export function parsePkgVersion(v: string): PkgVersion {
  const m = /^(?:(\d+):)?(.+?)(?:-([^-]+))?$/.exec(v);
  if (!m) throw new Error(`not a pacman version: ${v}`);
  return { epoch: m[1] ? Number(m[1]) : 0, version: m[2]!, release: m[3] ?? "" };
}

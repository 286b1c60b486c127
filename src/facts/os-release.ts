// Parse /etc/os-release (KEY=value, optionally quoted) into a map.

/** The key/value pairs of an os-release file. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
    else if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  return out;
}

/** True for Arch Linux (ID=arch) and derivatives that say ID_LIKE=arch. */
export function isArch(os: Record<string, string>): boolean {
  return os.ID === "arch" || (os.ID_LIKE ?? "").split(/\s+/).includes("arch");
}

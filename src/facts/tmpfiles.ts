// The owner, group and mode systemd-tmpfiles gives a path at every boot (and pacman's hook on every install),
// read from the tmpfiles.d rules on the host. The AUR jicofo and jitsi-videobridge packages declare
//   Z /etc/jicofo 0600 jicofo jitsi
// so a file written there with anything else is reset at the next boot; a provisioner that used other modes would
// find (and "fix") a change after every reboot. Tasks that write such files take what the rules say.

export interface TmpfilesRule {
  /** tmpfiles.d line type (z, Z, f, F, d, …; without ! / + / - modifiers). */
  type: string;
  path: string;
  mode?: number;
  user?: string;
  group?: string;
  /** The file that declares it. */
  source: string;
}

export interface Ownership {
  owner?: string;
  group?: string;
  mode?: number;
  /** The rule these come from, e.g. "Z /etc/jicofo 0600 jicofo jitsi (/usr/lib/tmpfiles.d/jicofo.conf)". */
  rule?: string;
}

// $@ paths. Prints the tmpfiles.d lines (from the effective files: /etc overrides /run overrides /usr/lib, by file
// name) whose path is one of the paths or a directory above one, each as "@@<file>" then the line.
export const TMPFILES = `seen=" "
for d in /etc/tmpfiles.d /run/tmpfiles.d /usr/local/lib/tmpfiles.d /usr/lib/tmpfiles.d; do
  for f in "$d"/*.conf; do
    [ -f "$f" ] || continue; b=\${f##*/}
    case "$seen" in *" $b "*) continue ;; esac; seen="$seen$b "
    awk -v src="$f" -v want="$*" 'BEGIN { n = split(want, w, " ") }
      /^[ \\t]*(#|$)/ { next }
      { for (i = 1; i <= n; i++) if (w[i] == $2 || index(w[i], $2 "/") == 1) { print "@@" src; print; next } }' "$f"
  done
done; exit 0`;

/** Parse TMPFILES output into rules. */
export function parseTmpfiles(output: string): TmpfilesRule[] {
  const rules: TmpfilesRule[] = [];
  let source = "";
  for (const line of output.split("\n")) {
    if (line.startsWith("@@")) {
      source = line.slice(2);
      continue;
    }
    const [type = "", path = "", mode = "-", user = "-", group = "-"] = line.trim().split(/\s+/);
    if (!type || !path.startsWith("/")) continue;
    const m = /^[~:]*([0-7]{3,4})$/.exec(mode);
    rules.push({
      type: type.replace(/[!+\-=~^$?]/g, ""),
      path: path.replace(/\/+$/, "") || "/",
      ...(m ? { mode: parseInt(m[1]!, 8) } : {}),
      ...(user !== "-" ? { user } : {}),
      ...(group !== "-" ? { group } : {}),
      source,
    });
  }
  return rules;
}

/** Types that set a path's own mode and owner, and the recursive one that also sets everything below it. */
const OWN = new Set(["f", "F", "z", "Z", "d", "D", "v", "q", "Q", "C"]);

/**
 * What the rules make of a file: a rule for the path itself wins over a recursive Z on a directory above it (the
 * nearest one). Only the fields a rule sets are returned.
 */
export function ownershipOf(path: string, rules: readonly TmpfilesRule[]): Ownership {
  const exact = rules.filter((r) => r.path === path && OWN.has(r.type));
  const above = rules
    .filter((r) => r.type === "Z" && path.startsWith(`${r.path}/`))
    .sort((a, b) => b.path.length - a.path.length);
  const rule = exact.find((r) => r.type !== "d" && r.type !== "D") ?? above[0];
  if (!rule) return {};
  return {
    ...(rule.user !== undefined ? { owner: rule.user } : {}),
    ...(rule.group !== undefined ? { group: rule.group } : {}),
    ...(rule.mode !== undefined ? { mode: rule.mode } : {}),
    rule: `${rule.type} ${rule.path} ${rule.mode !== undefined ? rule.mode.toString(8).padStart(4, "0") : "-"} ${rule.user ?? "-"} ${rule.group ?? "-"} (${rule.source})`,
  };
}

// What a videobridge's own log says since it last started: whether it runs, logged in, joined which MUC, or why not.
// jicoco's log lines (docs/jitsi.md, "Bridges on their own hosts"): `Authenticated, resumed=…`, `Joined MUC: <jid>`,
// `SASLError using SCRAM-SHA-1: not-authorized` (login refused), `The following addresses failed: … failed because:
// java.net.ConnectException: Connection refused` (Prosody unreachable), `XMPP error reply received from
// <brewery>/<nick>: XMPPError: conflict - cancel` (nickname taken; jicoco does not retry).
import type { Fact } from "./fact.js";
import { sections } from "./sections.js";

/** The bridge's state as its log since its last start tells it (the last event wins). */
export type BridgeLogState =
  | { kind: "stopped" }
  | { kind: "silent"; tail: string[] }
  | { kind: "unreachable"; endpoint?: string; cause: string }
  | { kind: "login-refused"; condition: string }
  | { kind: "logged-in" }
  | { kind: "joined"; muc: string }
  | { kind: "conflict"; muc: string; nick: string };

// $1 unit. Whether it runs, then its journal since its main process started (ExecMainStartTimestamp: the process's
// own lines all come after it).
const SCRIPT = `u=$1
echo "@@active $(systemctl is-active "$u" 2>/dev/null)"
t=$(systemctl show -p ExecMainStartTimestamp --timestamp=unix --value "$u" 2>/dev/null)
echo "@@log"
if [ -n "$t" ]; then journalctl -u "$u" --since "$t" -o cat --no-pager -n 400 2>/dev/null; else journalctl -u "$u" -o cat --no-pager -n 400 2>/dev/null; fi
exit 0`;

/** Pure: the state the lines end in. */
export function bridgeLogState(active: boolean, lines: readonly string[]): BridgeLogState {
  if (!active) return { kind: "stopped" };
  let state: BridgeLogState | undefined;
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /XMPP error reply received from ([^/\s]+)\/(\S+): XMPPError: conflict/.exec(line))) state = { kind: "conflict", muc: m[1]!.toLowerCase(), nick: m[2]! };
    else if ((m = /SASLError using [\w-]+: ([\w-]+)/.exec(line))) state = { kind: "login-refused", condition: m[1]! };
    else if ((m = /The following addresses failed: .*?\[([^\]]+)\].* failed because: (.+)$/.exec(line))) state = { kind: "unreachable", endpoint: m[1], cause: m[2]!.trim() };
    else if ((m = /(java\.net\.(?:ConnectException|SocketTimeoutException|UnknownHostException|NoRouteToHostException)[^\n]*)/.exec(line)) && state?.kind !== "unreachable") state = { kind: "unreachable", cause: m[1]!.trim() };
    else if (/Authenticated, resumed=/.test(line)) state = { kind: "logged-in" };
    else if ((m = /Joined MUC: (\S+)/.exec(line))) state = { kind: "joined", muc: m[1]!.toLowerCase() };
  }
  return state ?? { kind: "silent", tail: lines.filter((l) => l.trim() !== "").slice(-3) };
}

/** Pure: SCRIPT's output. */
export function parseBridgeLog(stdout: string): BridgeLogState {
  const s = sections(stdout);
  return bridgeLogState((s.get("active") ?? "").trim() === "active", (s.get("log") ?? "").split("\n"));
}

/** The fact: the state of `unit` (jitsi-videobridge) from its log since it started. */
export function bridgeLog(unit: string): Fact<BridgeLogState> {
  return { name: "bridge-log", script: SCRIPT, args: [unit], parse: parseBridgeLog };
}

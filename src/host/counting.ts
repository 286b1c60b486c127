// A Host that counts what goes over the wire (remote commands, file writes, forwarded channels), for --report.
import type { Host } from "./host.js";

export interface WireCounts {
  /** Remote commands run (run and check; a readFile is one too). */
  commands: number;
  /** Files written (one remote command each). */
  writes: number;
  /** Channels forwarded through the connection (verification). */
  forwards: number;
}

/** `host`, counting into `counts` (shared, so that the caller can read it at any time). */
export function counting(host: Host, counts: WireCounts): Host {
  return {
    get name() {
      return host.name;
    },
    run: (argv, o) => (counts.commands++, host.run(argv, o)),
    check: (argv, o) => (counts.commands++, host.check(argv, o)),
    readFile: (p, o) => (counts.commands++, host.readFile(p, o)),
    writeFile: (p, c, o) => (counts.writes++, host.writeFile(p, c, o)),
    forward: (a, p) => (counts.forwards++, host.forward(a, p)),
    close: () => host.close(),
  };
}

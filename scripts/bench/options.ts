// The bench's flags, its targets (docs/benchmark.md's, as defaults) and its exit codes.
import { parseArgs } from "node:util";

/** Exit codes of `npm run bench`: distinct from the CLI's (2 is the CLI's "bad input"). */
export const EXIT = {
  /** Every target met. */
  met: 0,
  /** At least one target missed (the figures are still written). */
  missed: 1,
  /** The bench's own flags are wrong. */
  usage: 3,
  /** The bench could not measure: a host did not come up, a run failed, a "no-change" run changed something, Ansible could not be installed. */
  broken: 4,
  /** Interrupted (Ctrl-C); SIGTERM gives 143. Hosts are torn down first. */
  interrupted: 130,
} as const;

export const USAGE = `usage: npm run bench -- [options]
  --runs R              interleaved no-change runs of each kind on one host, after a warm-up (default 7, at least 7 for the doc)
  --scale LIST          host counts for the one-invocation runs (default 1,10,30)
  --scale-runs R        no-change runs per host count (default 3)
  --doc FILE            where to write the figures (default docs/benchmark.md); --no-doc to skip
  --json FILE           also write every figure as JSON
  --no-ansible          skip Ansible (its targets are then reported as not measured)
  --max-floor-ratio X   target: no-change --no-verify / floor, medians (default 1.5)
  --max-ansible-ratio X target: no-change --no-verify / Ansible no-change, medians (default 0.06)
  --max-commands N      target: remote commands per host in a no-change run besides verification (default 2)
  --max-help-ratio X    target: provision --help / node -e 0, medians (default 2)
  --max-verify-s S      target: seconds verification adds to a no-change run, medians (default 0.5)
  --max-rss-mb N        target: peak RSS of our process with the most hosts (default 200)
  --max-cpu-ratio X     target: CPU per host with the most hosts / CPU of one host alone (default 1)
exit: ${EXIT.met} every target met, ${EXIT.missed} a target missed, ${EXIT.usage} bad bench flags, ${EXIT.broken} the bench could not measure, ${EXIT.interrupted} interrupted`;

export interface Targets {
  floorRatio: number;
  ansibleRatio: number;
  commands: number;
  helpRatio: number;
  verifyS: number;
  rssMb: number;
  cpuRatio: number;
}

export interface Options {
  runs: number;
  scale: number[];
  scaleRuns: number;
  doc?: string;
  json?: string;
  ansible: boolean;
  help: boolean;
  targets: Targets;
}

/** Bad bench flags (exit EXIT.usage). */
export class UsageError extends Error {}
/** The bench could not measure (exit EXIT.broken). */
export class BenchError extends Error {}

export function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        runs: { type: "string", default: "7" },
        scale: { type: "string", default: "1,10,30" },
        "scale-runs": { type: "string", default: "3" },
        doc: { type: "string", default: "docs/benchmark.md" },
        "no-doc": { type: "boolean", default: false },
        json: { type: "string" },
        "no-ansible": { type: "boolean", default: false },
        "max-floor-ratio": { type: "string", default: "1.5" },
        "max-ansible-ratio": { type: "string", default: "0.06" },
        "max-commands": { type: "string", default: "2" },
        "max-help-ratio": { type: "string", default: "2" },
        "max-verify-s": { type: "string", default: "0.5" },
        "max-rss-mb": { type: "string", default: "200" },
        "max-cpu-ratio": { type: "string", default: "1" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const num = (flag: string, v: string, int: boolean): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n))) throw new UsageError(`--${flag} must be a positive ${int ? "whole " : ""}number, got '${v}'`);
    return n;
  };
  const scale = values.scale.split(",").map((s) => num("scale", s.trim(), true));
  return {
    runs: num("runs", values.runs, true),
    scale: [...new Set(scale)].sort((a, b) => a - b),
    scaleRuns: num("scale-runs", values["scale-runs"], true),
    doc: values["no-doc"] ? undefined : values.doc,
    json: values.json,
    ansible: !values["no-ansible"],
    help: values.help,
    targets: {
      floorRatio: num("max-floor-ratio", values["max-floor-ratio"], false),
      ansibleRatio: num("max-ansible-ratio", values["max-ansible-ratio"], false),
      commands: num("max-commands", values["max-commands"], true),
      helpRatio: num("max-help-ratio", values["max-help-ratio"], false),
      verifyS: num("max-verify-s", values["max-verify-s"], false),
      rssMb: num("max-rss-mb", values["max-rss-mb"], false),
      cpuRatio: num("max-cpu-ratio", values["max-cpu-ratio"], false),
    },
  };
}

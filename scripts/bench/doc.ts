// docs/benchmark.md from one sitting: machine, versions, date, the table, the ratios and the targets. The text
// around the figures (how each is made) is fixed here, so the document always says how its numbers were taken.
import type { Options } from "./options.js";
import type { Sitting } from "./measure.js";
import { markdownTable, sec, times } from "./stats.js";
import { formatVerdict, type Verdict } from "./targets.js";

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memGb: number;
  kernel: string;
  os: string;
  node: string;
  commit: string;
  dirty: boolean;
}

const row = (name: string, s: { median: number; min: number; max: number } | undefined, extra = ""): string[] =>
  s ? [name, sec(s.median), sec(s.min), sec(s.max), extra] : [name, "not run", "", "", extra];

/** The document; `notes` (scripts/bench/notes.md, kept by hand: what stands in the way of missed targets) goes after the targets. */
export function renderDoc(m: Machine, o: Options, s: Sitting, verdicts: Verdict[], notes?: string): string {
  const k = s.kinds;
  const ratio = (a?: { median: number }, b?: { median: number }) => (a && b ? times(a.median / b.median) : "—");
  const loads = s.loads.map((l) => l[0]!);
  const load = loads.length ? `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} (1-minute load average over the rounds)` : "not taken";
  const commands = s.reported
    ? `${s.reported.besidesVerify} besides verification (${s.reported.total} in all), counted by provision itself in its --report`
    : `${s.channels.noVerify.execs} in a --no-verify run, counted by the bench's SSH trace (the --report carries no command counts yet)`;
  const out: string[] = [];
  out.push(
    "# Benchmark",
    "",
    "`npm run bench` measures `provision` against sandbox hosts and against Ansible doing the same job, and writes this",
    "file. Targets are checked here, never by timed tests. Flags: `npm run bench -- --help`.",
    "",
    `Exit status: **0** every target met, **1** a target missed (the figures are still written), **3** bad bench flags,`,
    "**4** the bench could not measure (a host did not come up, a run failed, a no-change run changed something,",
    "Ansible could not be installed), **130** interrupted (143 on SIGTERM). Hosts are torn down in every case.",
    "",
    `## This sitting`,
    "",
    `${m.date}; ${m.cpu}, ${m.cores} cores, ${m.memGb} GB, shared with other work; ${m.os}, kernel ${m.kernel}; Node ${m.node};`,
    `${s.ansibleVersion ?? "Ansible not run"}; commit ${m.commit}${m.dirty ? " with uncommitted changes in src/ or tasks/" : ""}.`,
    `Load: ${load}. ${o.runs} interleaved rounds after a warm-up round; ${o.scaleRuns} runs per host count.`,
    "",
    markdownTable([
      ["run (one sandbox host, no change to make)", "median", "min", "max", "ratio"],
      row("Ansible no-change (`ansible-playbook`)", k.ansible, "1"),
      row("provision no-change `--no-verify`", k.noVerify, `${ratio(k.noVerify, k.ansible)} Ansible, ${ratio(k.noVerify, k.floor)} floor`),
      row("provision no-change (with verification)", k.withVerify, `${ratio(k.withVerify, k.ansible)} Ansible`),
      row("the floor: one new SSH connection, every command of the run in one", k.floor, "1"),
      row("`node -e 0`", k.node, "1"),
      row("`provision --help`", k.help, `${ratio(k.help, k.node)} node -e 0`),
    ]),
    "",
    markdownTable([
      ["hosts in one invocation (`--no-verify`)", "wall median", "min", "max", "peak RSS", "CPU per host"],
      ...s.scale.map((x) => [String(x.hosts), sec(x.wall.median), sec(x.wall.min), sec(x.wall.max), `${x.peakRssMb.toFixed(0)} MB`, `${(x.cpuMs.median / x.hosts).toFixed(0)} ms`]),
    ]),
    "",
    `SSH per host, no-change run: 1 connection; remote commands ${commands}. Channels (bench's trace): ${s.channels.noVerify.execs} exec with`,
    `\`--no-verify\`; ${s.channels.withVerify.execs} exec + ${s.channels.withVerify.forwards} forwarded with verification.` +
      (s.ansible ? ` Ansible: ${s.ansible.execs ?? "?"} SSH execs for ${s.ansible.tasks ?? "?"} tasks (${s.ansible.files} managed files).` : ""),
    "",
    `Verification adds ${k.withVerify && k.noVerify ? sec(k.withVerify.median - k.noVerify.median) : "—"} (medians). ` +
      (s.checks.length
        ? `Per check (median ms): ${s.checks.map((c) => `${c.name} ${c.ms.median.toFixed(0)}`).join(", ")}; slowest in each run: ${[...new Set(s.slowest)].join(", ")}.`
        : "The report carried no per-check durations."),
    "",
    s.perTask.length ? `Per task, one no-change run (from --report): ${s.perTask.map((x) => `${x.task} ${x.ms.toFixed(0)} ms`).join(", ")}.` : "The report carried no per-task durations.",
    "",
    "## Targets (the bench's defaults)",
    "",
    ...verdicts.map((v) => `- ${formatVerdict(v)}`),
    "",
    ...(notes ? [notes.trim(), ""] : []),
    "## How each figure is made",
    "",
    "- **Hosts**: sandbox hosts `bench-1`…`bench-N` (real sshd and Prosody in Linux namespaces, the Jitsi stand-ins,",
    "  state `jitsi-installed`), brought up together and provisioned once by one `provision` invocation before measuring.",
    "- **Every run is a new process as a user starts it**: `node dist/src/cli.js …` (or `ansible-playbook …`) under",
    "  `/usr/bin/time`, wall time from spawn to exit; peak RSS and CPU (user + system) are that process's own.",
    "- **Interleaved**: each round runs, on `bench-1`, provision `--no-verify`, provision with verification, Ansible, the",
    "  floor, `node -e 0` and `provision --help`, one after another, so load changes hit every kind alike. Every",
    "  provision run's `--report` must show no change and no restart, and Ansible's recap `changed=0`, or the bench stops.",
    "- **Ansible**: Debian's ansible-core (installed with apt when missing) runs `scripts/bench/ansible/playbook.yml` with",
    "  `scripts/bench/ansible/ansible.cfg` (pipelining on, `gather_facts: false`, connection sharing as Ansible defaults it,",
    "  which favours Ansible: its later runs reuse a warm SSH master). The playbook reads the installed packages, then",
    "  `copy` with content, owner, group and mode for every file provision manages (read from `bench-1` after",
    "  provisioning: Prosody's configuration and certificates, jicofo's and the bridge's files, nginx, config.js), the",
    "  accounts (`creates:`), and `systemd` enabled + started for the four services; handlers restart a service only",
    "  when one of its files changed, so none fires. Its SSH execs are counted from one extra `-vvv` run.",
    "- **The floor**: every command the no-change `--no-verify` run sent (recorded by `scripts/bench/ssh-trace.mjs` in an",
    "  untimed run: command lines and stdin), run in order as one `sh -s` script over one new OpenSSH connection",
    "  (`ControlMaster=no`), from a new process. It is what the run's remote work costs with no overhead at all.",
    "- **Remote commands per host** come from the `--report` when it carries counts; otherwise from the trace (exec",
    "  channels of the whole run, the lock included). Forwarded channels are the verifier's tunnel (one per XMPP session",
    "  and per HTTPS connection to nginx).",
    "- **1…N hosts in one invocation**: `provision --host bench-1 … --host bench-N --parallel N --no-verify`, no change",
    "  to make; CPU per host is the process's CPU time divided by N, compared with one host alone.",
  );
  return out.join("\n") + "\n";
}

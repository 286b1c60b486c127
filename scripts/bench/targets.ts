// The targets (docs/benchmark.md), checked against one sitting's figures: each is met, missed (with the figure and its ratio to
// the limit) or not measured (and then not met).
import type { Targets } from "./options.js";

export interface Figures {
  /** Medians in ms. */
  noVerifyMs: number;
  withVerifyMs: number;
  floorMs: number;
  ansibleMs?: number;
  nodeMs: number;
  helpMs: number;
  /** Remote commands per host in a no-change run besides verification, and who counted them. */
  commandsPerHost?: number;
  /** The most hosts in one invocation, and our process there and with one host. */
  scale?: { hosts: number; peakRssMb: number; cpuMsPerHost: number; oneHostCpuMs: number };
}

export interface Verdict {
  name: string;
  /** The figure compared with the limit; undefined when it was not measured. */
  measured?: number;
  limit: number;
  unit: "×" | "s" | "MB" | "";
  /** measured / limit (1 = exactly at the limit). */
  ofLimit?: number;
  met: boolean;
  /** How the figure was made, e.g. "1.21 s / 0.80 s". */
  how: string;
}

const verdict = (name: string, measured: number | undefined, limit: number, unit: Verdict["unit"], how: string): Verdict => ({
  name,
  measured,
  limit,
  unit,
  ofLimit: measured === undefined ? undefined : measured / limit,
  met: measured !== undefined && measured <= limit,
  how,
});

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Every target, in the order. */
export function evaluateTargets(f: Figures, t: Targets): Verdict[] {
  const cpuRatio = f.scale ? f.scale.cpuMsPerHost / f.scale.oneHostCpuMs : undefined;
  return [
    verdict("no-change --no-verify ÷ floor", f.noVerifyMs / f.floorMs, t.floorRatio, "×", `${s(f.noVerifyMs)} / ${s(f.floorMs)}`),
    verdict(
      "no-change --no-verify ÷ Ansible no-change",
      f.ansibleMs === undefined ? undefined : f.noVerifyMs / f.ansibleMs,
      t.ansibleRatio,
      "×",
      f.ansibleMs === undefined ? "Ansible not run" : `${s(f.noVerifyMs)} / ${s(f.ansibleMs)}`,
    ),
    verdict("remote commands per host besides verification", f.commandsPerHost, t.commands, "", f.commandsPerHost === undefined ? "not counted" : `${f.commandsPerHost}`),
    verdict("provision --help ÷ node -e 0", f.helpMs / f.nodeMs, t.helpRatio, "×", `${s(f.helpMs)} / ${s(f.nodeMs)}`),
    verdict("verification adds", (f.withVerifyMs - f.noVerifyMs) / 1000, t.verifyS, "s", `${s(f.withVerifyMs)} − ${s(f.noVerifyMs)}`),
    verdict(
      `peak RSS, ${f.scale?.hosts ?? "most"} hosts in one invocation`,
      f.scale?.peakRssMb,
      t.rssMb,
      "MB",
      f.scale ? `${f.scale.peakRssMb.toFixed(0)} MB` : "not measured",
    ),
    verdict(
      `CPU per host, ${f.scale?.hosts ?? "most"} hosts ÷ 1 host`,
      cpuRatio,
      t.cpuRatio,
      "×",
      f.scale ? `${f.scale.cpuMsPerHost.toFixed(0)} ms / ${f.scale.oneHostCpuMs.toFixed(0)} ms` : "not measured",
    ),
  ];
}

/** One line per verdict: MET/MISSED/NOT MEASURED, the figure, the limit and the ratio to it. */
export function formatVerdict(v: Verdict): string {
  const fig = (n: number) => (v.unit === "" ? String(n) : v.unit === "MB" ? `${n.toFixed(0)} MB` : v.unit === "s" ? `${n.toFixed(2)} s` : `${n < 0.1 ? n.toFixed(3) : n.toFixed(2)}×`);
  if (v.measured === undefined) return `NOT MEASURED  ${v.name} (limit ${fig(v.limit)}): ${v.how}`;
  const mark = v.met ? "MET" : "MISSED";
  return `${mark}  ${v.name}: ${fig(v.measured)} (${v.how}), limit ${fig(v.limit)}, ${v.ofLimit!.toFixed(2)}× the limit`;
}

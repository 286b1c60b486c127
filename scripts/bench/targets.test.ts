// Unit tests of the target verdicts: met, missed with the ratio to the limit, and not measured (never met).
import { describe, expect, it } from "vitest";
import { parseOptions } from "./options.js";
import { evaluateTargets, formatVerdict, type Figures } from "./targets.js";

const t = parseOptions([]).targets;
const good: Figures = {
  noVerifyMs: 900,
  withVerifyMs: 1300,
  floorMs: 700,
  ansibleMs: 20_000,
  nodeMs: 60,
  helpMs: 100,
  commandsPerHost: 2,
  scale: { hosts: 30, peakRssMb: 150, cpuMsPerHost: 40, oneHostCpuMs: 300 },
};

describe("evaluateTargets", () => {
  it("meets every target on good figures", () => {
    const v = evaluateTargets(good, t);
    expect(v.map((x) => [x.name, x.met])).toEqual([
      ["no-change --no-verify ÷ floor", true],
      ["no-change --no-verify ÷ Ansible no-change", true],
      ["remote commands per host besides verification", true],
      ["provision --help ÷ node -e 0", true],
      ["verification adds", true],
      ["peak RSS, 30 hosts in one invocation", true],
      ["CPU per host, 30 hosts ÷ 1 host", true],
    ]);
    expect(v[0]!.measured).toBeCloseTo(900 / 700);
  });

  it("a missed target keeps its figure and says how far over the limit it is", () => {
    const v = evaluateTargets({ ...good, noVerifyMs: 2100, withVerifyMs: 3200, commandsPerHost: 15 }, t);
    const byName = Object.fromEntries(v.map((x) => [x.name, x]));
    expect(byName["no-change --no-verify ÷ floor"]).toMatchObject({ met: false, measured: 3, ofLimit: 2 });
    expect(byName["remote commands per host besides verification"]).toMatchObject({ met: false, measured: 15, ofLimit: 7.5 });
    expect(byName["verification adds"]).toMatchObject({ met: false });
    expect(byName["verification adds"]!.measured).toBeCloseTo(1.1);
    expect(formatVerdict(byName["no-change --no-verify ÷ floor"]!)).toBe("MISSED  no-change --no-verify ÷ floor: 3.00× (2.10 s / 0.70 s), limit 1.50×, 2.00× the limit");
  });

  it("a figure that was not measured is not met", () => {
    const v = evaluateTargets({ ...good, ansibleMs: undefined, scale: undefined, commandsPerHost: undefined }, t);
    expect(v.filter((x) => !x.met).map((x) => x.name)).toEqual([
      "no-change --no-verify ÷ Ansible no-change",
      "remote commands per host besides verification",
      "peak RSS, most hosts in one invocation",
      "CPU per host, most hosts ÷ 1 host",
    ]);
    expect(formatVerdict(v[1]!)).toBe("NOT MEASURED  no-change --no-verify ÷ Ansible no-change (limit 0.060×): Ansible not run");
  });

  it("CPU per host with many hosts above one host alone misses", () => {
    const v = evaluateTargets({ ...good, scale: { hosts: 30, peakRssMb: 250, cpuMsPerHost: 330, oneHostCpuMs: 300 } }, t);
    expect(v.slice(5).map((x) => [x.met, x.unit])).toEqual([
      [false, "MB"],
      [false, "×"],
    ]);
    expect(v[6]!.measured).toBeCloseTo(1.1);
  });
});

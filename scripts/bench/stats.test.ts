// Unit tests of the bench's arithmetic and its flags (the bench itself runs with `npm run bench`, never under vitest).
import { describe, expect, it } from "vitest";
import { EXIT, parseOptions, UsageError } from "./options.js";
import { markdownTable, stats, times } from "./stats.js";

describe("stats", () => {
  it("median of odd and even counts, min, max, samples as given", () => {
    expect(stats([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, samples: [5, 1, 3] });
    expect(stats([4, 1, 3, 2])).toMatchObject({ median: 2.5, min: 1, max: 4 });
    expect(() => stats([])).toThrow(/no samples/);
  });

  it("formats ratios and Markdown tables", () => {
    expect(times(0.0512)).toBe("0.051×");
    expect(times(1.5)).toBe("1.50×");
    expect(markdownTable([["a", "b"], ["1", "2"]])).toBe("| a | b |\n| --- | --- |\n| 1 | 2 |");
  });
});

describe("parseOptions", () => {
  it("defaults are the documented targets, at least 7 interleaved runs, 1, 10 and 30 hosts", () => {
    expect(parseOptions([])).toMatchObject({
      runs: 7,
      scale: [1, 10, 30],
      scaleRuns: 3,
      doc: "docs/benchmark.md",
      ansible: true,
      targets: { floorRatio: 1.5, ansibleRatio: 0.06, commands: 2, helpRatio: 2, verifyS: 0.5, rssMb: 200, cpuRatio: 1 },
    });
  });

  it("overrides, --no-doc, --no-ansible, a sorted de-duplicated scale", () => {
    expect(parseOptions(["--runs", "9", "--scale", "10,1,10", "--no-doc", "--no-ansible", "--max-verify-s", "0.4"])).toMatchObject({
      runs: 9,
      scale: [1, 10],
      doc: undefined,
      ansible: false,
      targets: { verifyS: 0.4 },
    });
  });

  it("refuses bad flags with a UsageError (exit 3, never the CLI's 2)", () => {
    for (const argv of [["--runs", "0"], ["--runs", "1.5"], ["--scale", "1,x"], ["--bogus"], ["stray"]]) expect(() => parseOptions(argv), argv.join(" ")).toThrow(UsageError);
    expect(new Set(Object.values(EXIT)).size).toBe(Object.values(EXIT).length);
    expect(Object.values(EXIT)).not.toContain(2);
  });
});

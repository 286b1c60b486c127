import { describe, expect, it } from "vitest";
import { formatClock, formatDuration, parseDuration } from "./duration.js";
import { UsageError } from "./errors.js";

describe("parseDuration", () => {
  it.each([
    ["3600", 3600],
    ["30s", 30],
    ["90m", 5400],
    ["2h", 7200],
    ["1d", 86400],
    ["1w", 604800],
    ["1h30m", 5400],
    [" 2H ", 7200],
  ])("%j is %i seconds", (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each(["", "h", "2x", "-5", "1.5h", "2 h", "abc", "0", "0m", "1h1h", "h2", "99999999999999999999"])(
    "refuses %j with a UsageError that explains the format",
    (input) => {
      let err: unknown;
      try {
        parseDuration(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).fix).toMatch(/"90m"/);
    },
  );
});

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [420.4, "420 ms"],
    [999, "999 ms"],
    [1000, "1.0 s"],
    [1234, "1.2 s"],
    [9999, "9.9 s"],
    [12_345, "12 s"],
    [59_999, "59 s"],
    [60_000, "1 min"],
    [105_468, "1 min 45 s"],
    [3_599_999, "59 min 59 s"],
    [3_600_000, "1 h"],
    [7_530_000, "2 h 5 min"],
    [-5, "0 ms"],
  ])("%d ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatClock", () => {
  it.each([
    [0, "0:00"],
    [7_900, "0:07"],
    [42_000, "0:42"],
    [754_000, "12:34"],
    [3_723_000, "1:02:03"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});

import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.js";
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

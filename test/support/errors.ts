// Test helper: the UsageError a call throws (the test fails when it throws nothing or something else).
import { expect } from "vitest";
import { UsageError } from "../../src/errors.js";

/** Calls `fn` and returns the UsageError it throws. */
export function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error("expected a UsageError");
}

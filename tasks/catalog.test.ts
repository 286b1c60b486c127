// The catalog (names and titles, loaded without any task) lists exactly the tasks of tasks/index.ts, in run order.
import { describe, expect, it } from "vitest";
import { CATALOG } from "./catalog.js";
import { TASKS } from "./index.js";

describe("task catalog", () => {
  it("names and titles every task of TASKS, in the same order", () => {
    expect(CATALOG.map((t) => [t.name, t.title])).toEqual(TASKS.map((t) => [t.name, t.title]));
  });
});

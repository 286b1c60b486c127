import { describe, expect, it } from "vitest";
import { stepTitle, withWaiting } from "./progress.js";

describe("TTY progress", () => {
  it("the title shows the step of the selected tasks and the host's elapsed time", () => {
    expect(stepTitle("meet.example.org", 3, 12, "jicofo", 42_400)).toBe("meet.example.org [3/12] jicofo · 0:42");
    expect(stepTitle("h", 12, 12, "verify", 3_723_000)).toBe("h [12/12] verify · 1:02:03");
  });

  it("a line that has waited says for how long (a restart is not a stale line)", () => {
    expect(withWaiting("restart jicofo", 2_999)).toBe("restart jicofo");
    expect(withWaiting("restart jicofo", 3_000)).toBe("restart jicofo (3.0 s)");
    expect(withWaiting("restart jicofo", 31_700)).toBe("restart jicofo (31 s)");
    expect(withWaiting("yay -S jicofo", 105_468)).toBe("yay -S jicofo (1 min 45 s)");
  });
});

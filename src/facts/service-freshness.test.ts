import { describe, expect, it } from "vitest";
import { parseFreshness } from "./service-freshness.js";

describe("service freshness", () => {
  const units = ["prosody", "jicofo", "nginx"];
  it("reads states, owed restarts and files newer than the running service", () => {
    const out = "@@enabled\nenabled\nenabled\ndisabled\n@@active\nactive\nactive\ninactive\n@@pending\njicofo\n\n@@stale\nprosody /etc/prosody/prosody.cfg.lua\nprosody /etc/prosody/certs/x.crt\n";
    const f = parseFreshness(out, units)!;
    expect(f.states.get("nginx")).toEqual({ enabled: false, active: false });
    expect([...f.pending]).toEqual(["jicofo"]);
    expect(Object.fromEntries(f.stale)).toEqual({ prosody: ["/etc/prosody/prosody.cfg.lua", "/etc/prosody/certs/x.crt"] });
  });
  it("nothing owed, nothing stale", () => {
    const f = parseFreshness("@@enabled\nenabled\nenabled\nenabled\n@@active\nactive\nactive\nactive\n@@pending\n@@stale\n", units)!;
    expect(f.pending.size + f.stale.size).toBe(0);
  });
  it("undefined when a unit is missing from the states (is-enabled prints nothing for an unknown unit)", () => {
    expect(parseFreshness("@@enabled\nenabled\n@@active\nactive\ninactive\ninactive\n@@pending\n@@stale\n", units)).toBeUndefined();
  });
});

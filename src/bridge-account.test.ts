import { describe, expect, it } from "vitest";
import { bridgeAccount, bridgeCredentials, bridgePassword } from "./bridge-account.js";
import { testInventory } from "../test/support/tasks/harness.js";

describe("bridge accounts", () => {
  it("names the account after the inventory name, lower case", () => {
    expect(bridgeAccount("JVB1.Berlin")).toBe("jvb-jvb1.berlin");
  });

  it("derives a password per account and domain from the secret, stable across calls", () => {
    const s = "bridge-test-FAKE-secret-0123456789abcdef";
    const p = bridgePassword(s, "jvb-a", "meet.example.org");
    expect(p).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(bridgePassword(s, "jvb-a", "meet.example.org")).toBe(p);
    expect(bridgePassword(s, "jvb-b", "meet.example.org")).not.toBe(p);
    expect(bridgePassword(s, "jvb-a", "other.example.org")).not.toBe(p);
    expect(bridgePassword(`${s}x`, "jvb-a", "meet.example.org")).not.toBe(p);
    expect(p).not.toContain(s.slice(0, 8));
  });

  it("gives a main host one credential per expected bridge", () => {
    const inv = testInventory({ bridges: [{ name: "jvb1", nickname: "jvb1", account: "jvb-jvb1" }] });
    const [c] = bridgeCredentials(inv);
    expect(c).toMatchObject({ name: "jvb1", account: "jvb-jvb1" });
    expect(c!.password).toBe(bridgePassword(inv.jwt.appSecret, "jvb-jvb1", inv.jitsi.domain));
  });
});

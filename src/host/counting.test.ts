import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { FakeHost } from "../../test/support/host/fake-host.js";
import { counting, type WireCounts } from "./counting.js";

describe("counting host", () => {
  it("counts commands, writes and forwards, and passes each call through", async () => {
    const fake = new FakeHost({ name: "h", commands: [{ argv: ["true"] }, { argv: ["false"], result: { code: 1 } }], files: { "/a": "x" }, forwards: { "127.0.0.1:1": () => new PassThrough() } });
    const counts: WireCounts = { commands: 0, writes: 0, forwards: 0 };
    const host = counting(fake, counts);
    expect(host.name).toBe("h");
    expect((await host.run(["true"])).code).toBe(0);
    await expect(host.check(["false"])).rejects.toThrow(/exit code 1/);
    expect(await host.readFile("/a")).toBe("x");
    await host.writeFile("/b", "y", { owner: "root", group: "root", mode: 0o644 });
    expect(await host.forward("127.0.0.1", 1)).toBeInstanceOf(PassThrough);
    expect(counts).toEqual({ commands: 3, writes: 1, forwards: 1 });
    fake.assertDone();
  });
});

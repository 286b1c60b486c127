import { describe, expect, it } from "vitest";
import { parseLogSinks } from "./prosody-logging.js";

describe("parseLogSinks", () => {
  it("syslog only (Arch's default config): the journal, no files", () => {
    expect(parseLogSinks("@@sinks\nsink syslog\n")).toEqual({ files: [], journal: true });
  });
  it("file sinks, each once; console counts as the journal", () => {
    expect(parseLogSinks("@@sinks\nsink file /var/log/prosody/prosody.log\nsink file /var/log/prosody/prosody.err\nsink file /var/log/prosody/prosody.log\n")).toEqual({
      files: ["/var/log/prosody/prosody.log", "/var/log/prosody/prosody.err"],
      journal: false,
    });
    expect(parseLogSinks("@@sinks\nsink console\nsink file /x.log")).toEqual({ files: ["/x.log"], journal: true });
  });
  it("an unreadable config: the problem, and the journal (where systemd reports the failed start)", () => {
    expect(parseLogSinks("@@sinks\nproblem parser: /etc/prosody/prosody.cfg.lua:2: unexpected symbol near <eof>\nsink console")).toEqual({
      files: [],
      journal: true,
      problem: "parser: /etc/prosody/prosody.cfg.lua:2: unexpected symbol near <eof>",
    });
    expect(parseLogSinks("@@sinks\nproblem /usr/bin/prosody names no Lua interpreter or source directory")).toMatchObject({ journal: true, files: [] });
  });
});

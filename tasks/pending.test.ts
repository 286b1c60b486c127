// Which task errors mean "needs a change that is still pending" (PendingChangeError: --check may skip the task)
// and which are failures of the host whatever else is planned.
import { describe, expect, it } from "vitest";
import { HostError, PendingChangeError } from "../src/errors.js";
import type { ConfigOwnership } from "../src/facts/config-ownership.js";
import type { FileFact } from "../src/facts/files.js";
import { planEnv } from "../src/task.js";
import { accounts, planAccounts, type AccountsInput } from "./accounts.js";
import { certificates } from "./certificates.js";
import { jicofo } from "./jicofo.js";
import { jitsiMeet } from "./jitsi-meet.js";
import { nginx } from "./nginx.js";
import { LUA_REQUIRES, packages, type PackagesFacts } from "./packages.js";
import { parseProsodyLua } from "../src/facts/prosody-lua.js";
import { prosody } from "./prosody.js";
import { testInventory } from "../test/support/tasks/harness.js";
import { videobridge } from "./videobridge.js";

const INV = testInventory();
const own = (group: string | null): ConfigOwnership => ({ owner: "root", group, mode: 0o640, why: "test" });
const file = (content: string): FileFact => ({ content, owner: "root", group: "root", mode: 0o644 });

function pending(f: () => unknown, packagesNeeded: string[], message: RegExp): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, String(message)).toBeInstanceOf(PendingChangeError);
  expect((thrown as PendingChangeError).packages).toEqual(packagesNeeded);
  expect((thrown as PendingChangeError).message).toMatch(message);
}

function failure(f: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, String(message)).toBeInstanceOf(HostError);
  expect(thrown).not.toBeInstanceOf(PendingChangeError);
  expect(`${(thrown as HostError).where ?? ""}: ${(thrown as HostError).message}`).toMatch(message);
}

describe("a missing package's files are a pending change", () => {
  it("prosody: prosody.cfg.lua missing, or no group for prosody.service", () => {
    pending(() => prosody.plan(INV, { main: null, include: null, ownership: own("prosody") }), ["prosody"], /prosody\.cfg\.lua does not exist/);
    pending(() => prosody.plan(INV, { main: file("-- empty\n"), include: null, ownership: own(null) }), ["prosody"], /cannot tell which group prosody\.service runs as/);
  });

  it("jicofo and videobridge: their config file missing, or no group for their unit", () => {
    pending(() => jicofo.plan(INV, { file: null, ours: null, ownership: own("jicofo") }), ["jicofo"], /jicofo\.conf does not exist/);
    pending(() => jicofo.plan(INV, { file: file("jicofo { }\n"), ours: null, ownership: own(null) }), ["jicofo"], /cannot tell which group jicofo/);
    pending(() => videobridge.plan(INV, { file: null, ours: null, ownership: own("jvb") }), ["jitsi-videobridge"], /jvb\.conf does not exist/);
    pending(() => videobridge.plan(INV, { file: file("videobridge { }\n"), ours: null, ownership: own(null) }), ["jitsi-videobridge"], /cannot tell which group jitsi-videobridge/);
  });

  it("jitsi-meet, nginx and certificates", () => {
    pending(() => jitsiMeet.plan(INV, null), ["jitsi-meet"], /config\.js does not exist/);
    pending(() => nginx.plan(INV, { conf: null, site: null }), ["nginx"], /nginx\.conf does not exist/);
    pending(() => certificates.plan(INV, { certs: { present: new Map(), sums: new Map() }, prosody: { user: null, group: null } }), ["prosody"], /cannot tell which group prosody\.service/);
  });

  it("packages: no Prosody to ask for its Lua version, or no interpreter to probe with", () => {
    const none = parseProsodyLua("@@about-error\nsh: prosodyctl: not found\n@@about\n\n@@pacman\n@@bundled\nno\n", Object.keys(LUA_REQUIRES));
    pending(() => packages.plan(INV, none), ["prosody"], /cannot tell which Lua version Prosody runs/);
    const facts: PackagesFacts = { luaVersion: "5.4", installed: new Map([["lua-basexx", "1"], ["lua-cjson", "1"], ["lua-luaossl", "1"], ["lua-inspect", "1"], ["lua-sec", "1"]]), probe: new Map(["basexx", "cjson.safe", "openssl.hmac", "openssl.digest", "inspect", "ssl"].map((m) => [m, "Prosody's Lua interpreter could not be run"])), bundledJwt: true };
    pending(() => packages.plan({ ...INV, luaVersion: "5.4" }, facts), ["prosody"], /cannot load/);
    // A module that does not load with Prosody's own interpreter is a failure, not a pending change.
    failure(() => packages.plan(INV, { ...facts, probe: new Map([...facts.probe].map(([m]) => [m, m === "inspect" ? "module 'inspect' not found" : undefined])) }), /cannot load inspect/);
  });

  it("accounts: no Prosody data directory, or a password its task could not read yet", () => {
    pending(() => accounts.plan(INV, { dataDir: false, subscribed: false, others: new Map(), bridgeAccounts: [] }, planEnv()), ["prosody"], /Prosody's data directory does not exist/);
    const f: AccountsInput = { focus: { exists: false }, jvb: { exists: false }, subscribed: false, focusPasswordNew: true, jvbPassword: "jvb-FAKE", jvbPasswordNew: true };
    pending(() => planAccounts(INV, f), ["jicofo"], /focus password is unknown/);
    pending(() => planAccounts(INV, { ...f, focusPassword: "focus-FAKE", jvbPassword: undefined }), ["jitsi-videobridge"], /jvb password is unknown/);
    // Through the task: nothing handed on by jicofo (skipped as pending) is the same pending change.
    pending(() => accounts.plan(INV, { dataDir: true, subscribed: false, others: new Map(), bridgeAccounts: [] }, planEnv({ handoff: { jvbPassword: { value: "jvb-FAKE", generated: true } } })), ["jicofo"], /focus password is unknown/);
  });
});

describe("everything else fails the host, pending change or not", () => {
  it("a broken or overridden config file is not a pending change", () => {
    failure(() => videobridge.plan(INV, { file: file("videobridge { }\n# BEGIN provision-managed\n"), ours: null, ownership: own("jvb") }, planEnv({ random: () => "pw-FAKE" })), /jvb\.conf/);
    failure(() => jicofo.plan(INV, { file: file("jicofo { }\n# END provision-managed\n"), ours: null, ownership: own("jicofo") }, planEnv({ random: () => "pw-FAKE" })), /jicofo\.conf/);
    failure(() => jitsiMeet.plan(INV, file("this is not javascript {{{")), /./);
    failure(() => nginx.plan(INV, { conf: file("http {\n# BEGIN provision-managed\n"), site: null }), /./);
  });
});

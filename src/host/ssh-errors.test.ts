import { describe, expect, it } from "vitest";
import { parseKnownHosts } from "./known-hosts.js";
import { ACCEPT_NEW_FIX, connectError, hostKeyError } from "./ssh-errors.js";

const key = { name: "meet", host: "meet.example.org", port: 2222, keyType: "ssh-ed25519", fingerprint: "SHA256:abc", file: "/home/u/.ssh/known_hosts" };
const conn = { name: "meet", host: "meet.example.org", port: 22, user: "arch", auth: "key /k" };

function err(message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), extra);
}

describe("hostKeyError", () => {
  it("unknown: host, key type, fingerprint, the accept-new fix", () => {
    const e = hostKeyError("unknown", key);
    expect(e.message).toBe("unknown SSH host key for meet.example.org:2222: ED25519 key SHA256:abc");
    expect(e.lines[0]).toBe("The authenticity of host '[meet.example.org]:2222' can't be established.");
    expect(e.fix).toBe(ACCEPT_NEW_FIX);
  });

  it("revoked: names the line, no accept-new fix", () => {
    const [entry] = parseKnownHosts("@revoked * ssh-ed25519 AAAA\n", "/kh");
    const e = hostKeyError({ revoked: entry! }, key);
    expect(e.message).toContain("REVOKED");
    expect(e.lines).toContain("Revoked key in /kh:1");
    expect(e.fix).not.toContain("accept-new");
  });

  it("changed to a key type not on record says so", () => {
    const entries = parseKnownHosts("[meet.example.org]:2222 ecdsa-sha2-nistp256 AAAA\n", "/kh");
    const e = hostKeyError({ changed: ["ecdsa-sha2-nistp256"], offending: entries }, key);
    expect(e.lines).toContain("The host is on record only with ECDSA keys; a new key type is treated as a change.");
    expect(e.lines).toContain("Offending ECDSA key in /kh:1");
    expect(e.fix).toContain("ssh-keygen -R '[meet.example.org]:2222' -f /home/u/.ssh/known_hosts");
  });
});

describe("connectError", () => {
  it.each([
    [err("connect ECONNREFUSED", { code: "ECONNREFUSED" }), "cannot connect to meet.example.org:22: connection refused"],
    [err("getaddrinfo ENOTFOUND", { code: "ENOTFOUND" }), "cannot resolve host name meet.example.org"],
    [err("connect EHOSTUNREACH", { code: "EHOSTUNREACH" }), "cannot reach meet.example.org:22: host unreachable"],
    [err("Timed out while waiting for handshake", { level: "client-timeout" }), "cannot connect to meet.example.org:22: no SSH handshake within the connect timeout"],
    [err("All configured authentication methods failed", { level: "client-authentication" }), "SSH login as arch on meet.example.org:22 was rejected (tried key /k)"],
    [err("Cannot parse privateKey: Encrypted private OpenSSH key detected, but no passphrase given"), "cannot use the SSH key (key /k)"],
    [err("something else"), "cannot connect to meet.example.org:22 over SSH"],
  ])("%s", (e, message) => {
    const h = connectError(e, conn);
    expect(h.message).toBe(message);
    expect(h.where).toBe("meet");
    expect(h.fix).toBeTruthy();
  });
});

import { describe, expect, it } from "vitest";
import { expandTokens, hostMatches, lookupHostConfig, splitLine, SshConfigError, type ConfigIO } from "./ssh-config.js";
import { applySshConfig, parseProxyJump, resolveJumps, type SshConfigSource } from "./ssh-target.js";

/** A virtual file system for the lookup. */
function io(files: Record<string, string>): ConfigIO {
  return {
    home: "/home/op",
    read: (p) => files[p] ?? null,
    list: (dir) => {
      const names = Object.keys(files).filter((f) => f.startsWith(`${dir}/`) && !f.slice(dir.length + 1).includes("/"));
      return names.length ? names.map((f) => f.slice(dir.length + 1)) : null;
    },
  };
}

const CONFIG = "/home/op/.ssh/config";

describe("ssh config lines", () => {
  it("reads `Key value`, `Key=value`, `Key = \"quoted value\"`, case-insensitive keywords, comments", () => {
    expect(splitLine("  HostName meet.example.org")).toEqual({ key: "hostname", args: ["meet.example.org"] });
    expect(splitLine("Port=2222")).toEqual({ key: "port", args: ["2222"] });
    expect(splitLine('IdentityFile = "/home/op/my keys/id"')).toEqual({ key: "identityfile", args: ["/home/op/my keys/id"] });
    expect(splitLine("Host a b # the two")).toEqual({ key: "host", args: ["a", "b"] });
    expect(splitLine("   # comment")).toBeNull();
    expect(splitLine("")).toBeNull();
  });

  it("matches Host patterns with *, ? and !, case-insensitively", () => {
    expect(hostMatches(["*.example.org"], "meet.example.org")).toBe(true);
    expect(hostMatches(["*.example.org"], "example.org")).toBe(false);
    expect(hostMatches(["meet?"], "meet1")).toBe(true);
    expect(hostMatches(["meet?"], "meet12")).toBe(false);
    expect(hostMatches(["*", "!bastion"], "bastion")).toBe(false);
    expect(hostMatches(["MEET"], "meet")).toBe(true);
    expect(hostMatches(["a.b"], "aXb")).toBe(false); // '.' is literal
  });
});

describe("lookupHostConfig", () => {
  const files = {
    [CONFIG]: [
      "# operator's config",
      "Host meet",
      "  HostName %h.example.org",
      "  User arch",
      "  Port 2222",
      "  IdentityFile ~/.ssh/meet_key",
      "  IdentityFile ~/.ssh/second_key",
      "  ProxyJump ops@bastion.example.org:22",
      "Host *",
      "  User nobody-else",
      "  Port 22",
      "  ServerAliveInterval 30",
    ].join("\n"),
  };

  it("takes the first value of each setting, from the first block that sets it", () => {
    const c = lookupHostConfig("meet", CONFIG, io(files));
    expect(c.hostName).toEqual({ value: "%h.example.org", file: CONFIG, line: 3 });
    expect(c.user?.value).toBe("arch");
    expect(c.port?.value).toBe("2222");
    expect(c.identityFile?.value).toBe("~/.ssh/meet_key");
    expect(c.proxyJump?.value).toBe("ops@bastion.example.org:22");
  });

  it("applies only matching blocks: another host gets the Host * values", () => {
    const c = lookupHostConfig("other.example.org", CONFIG, io(files));
    expect(c).toEqual({ user: { value: "nobody-else", file: CONFIG, line: 10 }, port: { value: "22", file: CONFIG, line: 11 } });
  });

  it("a missing config is empty", () => {
    expect(lookupHostConfig("meet", CONFIG, io({}))).toEqual({});
  });

  it("follows Include (relative to ~/.ssh, globs in the file name, sorted), with the including block's state", () => {
    const c = lookupHostConfig("meet", CONFIG, io({
      [CONFIG]: "Include conf.d/*.conf\nHost meet\n  User late\n",
      "/home/op/.ssh/conf.d/20-b.conf": "Host meet\n  User from-b\n  Port 2200\n",
      "/home/op/.ssh/conf.d/10-a.conf": "Host meet\n  User from-a\nHost other\n  Port 1\n",
      "/home/op/.ssh/conf.d/ignored.txt": "Host *\n  User wrong\n",
    }));
    expect(c.user).toEqual({ value: "from-a", file: "/home/op/.ssh/conf.d/10-a.conf", line: 2 });
    expect(c.port?.value).toBe("2200");
  });

  it("an Include inside a non-matching Host block is not read; a Host line inside an include does not leak out", () => {
    const c = lookupHostConfig("meet", CONFIG, io({
      [CONFIG]: "Host other\n  Include other.conf\nHost meet\n  Include meet.conf\n  Port 2\n",
      "/home/op/.ssh/other.conf": "User wrong\n",
      "/home/op/.ssh/meet.conf": "Host nothing\n  User wrong\n",
    }));
    expect(c.user).toBeUndefined();
    expect(c.port?.value).toBe("2");
  });

  it("skips Match blocks (except Match all), keeps ProxyCommand to refuse it", () => {
    const c = lookupHostConfig("meet", CONFIG, io({ [CONFIG]: "Match host meet exec true\n  User wrong\nMatch all\n  ProxyCommand nc %h %p\n" }));
    expect(c.user).toBeUndefined();
    expect(c.proxyCommand?.value).toBe("nc %h %p");
  });

  it("refuses what it cannot read, naming file and line", () => {
    expect(() => lookupHostConfig("meet", CONFIG, io({ [CONFIG]: "Host meet\n  = oops\n" }))).toThrow(`${CONFIG}:2`);
    expect(() => lookupHostConfig("meet", CONFIG, io({ [CONFIG]: "Include /etc/*/x\n" }))).toThrow(SshConfigError);
    expect(() => lookupHostConfig("meet", CONFIG, io({ [CONFIG]: "Include loop\n", "/home/op/.ssh/loop": "Include loop\n" }))).toThrow(/nested more than 16/);
  });

  it("expands %h and %%, refuses other tokens naming the setting", () => {
    expect(expandTokens({ value: "%h.lan%%", file: "f", line: 1 }, "HostName", { h: "meet" })).toBe("meet.lan%");
    expect(() => expandTokens({ value: "%C", file: "f", line: 4 }, "HostName", { h: "meet" })).toThrow("f:4: HostName uses %C, which provision does not expand (supported: %h %%)");
  });
});

describe("SSH_PROXY_JUMP", () => {
  it("parses [user@]host[:port] lists like ssh -J, and none", () => {
    expect(parseProxyJump("ops@bastion.example.org:2222")).toEqual([{ user: "ops", host: "bastion.example.org", port: 2222 }]);
    expect(parseProxyJump("a, b:23")).toEqual([{ user: undefined, host: "a", port: undefined }, { user: undefined, host: "b", port: 23 }]);
    expect(parseProxyJump("[2001:db8::1]:22")).toEqual([{ user: undefined, host: "2001:db8::1", port: 22 }]);
    expect(parseProxyJump("none")).toEqual([]);
    expect(() => parseProxyJump("ops@")).toThrow("'ops@' is not [user@]host[:port]");
    expect(() => parseProxyJump("bastion:70000")).toThrow("port 70000");
    expect(() => parseProxyJump("a b")).toThrow();
  });

  const src = (files: Record<string, string>): SshConfigSource => ({ file: CONFIG, io: io(files), localUser: "me" });

  it("resolves each hop through the SSH config; the login defaults to the local user, the key to SSH_KEY", () => {
    const s = src({ [CONFIG]: "Host bastion\n  HostName 192.0.2.10\n  Port 2022\n  IdentityFile ~/.ssh/bastion\nHost plain\n" });
    expect(resolveJumps("ops@bastion", s, "/k/target")).toEqual([{ host: "192.0.2.10", port: 2022, user: "ops", key: "/home/op/.ssh/bastion" }]);
    expect(resolveJumps("plain:23", s, "/k/target")).toEqual([{ host: "plain", port: 23, user: "me", key: "/k/target" }]);
    expect(resolveJumps(undefined, s, undefined)).toEqual([]);
  });

  it("refuses a jump host that has its own ProxyJump, saying to list the chain", () => {
    const s = src({ [CONFIG]: "Host b2\n  ProxyJump b1\n" });
    expect(() => resolveJumps("b2", s, undefined)).toThrow(`the jump host b2 has its own ProxyJump (${CONFIG}:2), which provision does not follow: list the whole chain in SSH_PROXY_JUMP, first hop first (a,b)`);
  });
});

describe("applySshConfig", () => {
  const s = (text: string): SshConfigSource => ({ file: CONFIG, io: io({ [CONFIG]: text }), localUser: "me" });

  it("an alias: HostName replaces SSH_HOST; User, Port, IdentityFile, ProxyJump fill unset keys, each with its source", () => {
    const raw: Record<string, string> = {};
    const from: Record<string, string> = {};
    const text = "Host meet\n  HostName meet.example.org\n  User arch\n  Port 2222\n  IdentityFile ~/.ssh/id_%r_%h\n  ProxyJump bastion\n";
    expect(applySshConfig(raw, from, "meet", s(text))).toEqual([]);
    expect(raw).toEqual({ SSH_HOST: "meet.example.org", SSH_USER: "arch", SSH_PORT: "2222", SSH_KEY: "/home/op/.ssh/id_arch_meet.example.org", SSH_PROXY_JUMP: "bastion" });
    expect(from.SSH_USER).toBe(`User at ${CONFIG}:3`);
  });

  it("the inventory's own keys win over the config", () => {
    const raw: Record<string, string> = { SSH_HOST: "meet", SSH_USER: "deploy", SSH_PORT: "22" };
    applySshConfig(raw, {}, "x", s("Host meet\n  HostName 192.0.2.5\n  User arch\n  Port 2222\n"));
    expect(raw).toEqual({ SSH_HOST: "192.0.2.5", SSH_USER: "deploy", SSH_PORT: "22" });
  });

  it("refuses ProxyCommand (unless SSH_PROXY_JUMP is set) and unreadable lines, as problems naming the line", () => {
    expect(applySshConfig({}, {}, "meet", s("Host meet\n  ProxyCommand ssh -W %h:%p b\n"))).toEqual([
      `ProxyCommand at ${CONFIG}:2: ProxyCommand is not supported; use ProxyJump there, or set SSH_PROXY_JUMP ([user@]host[:port], several comma-separated for a chain (as ssh -J), or none)`,
    ]);
    expect(applySshConfig({ SSH_PROXY_JUMP: "b" }, {}, "meet", s("Host meet\n  ProxyCommand ssh -W %h:%p b\n"))).toEqual([]);
    expect(applySshConfig({}, {}, "meet", s("Host meet\n  HostName %n\n"))[0]).toMatch(/^SSH config: .*:2: HostName uses %n.*\(set SSH_CONFIG=none to not read it\)$/);
  });

  it("SSH_CONFIG=none reads nothing", () => {
    const raw: Record<string, string> = {};
    expect(applySshConfig(raw, {}, "meet", { io: io({ [CONFIG]: "Host *\n User x\n" }), localUser: "me" })).toEqual([]);
    expect(raw).toEqual({});
  });
});

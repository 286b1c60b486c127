import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkHostKey, parseKnownHosts } from "../../src/host/known-hosts.js";
import { knownHostsLine, parseHostPublicKey } from "./vm-host-key.js";

const dir = mkdtempSync(join(tmpdir(), "vagrant-kh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh host key made by OpenSSH itself. */
function hostKey(type: "ed25519" | "ecdsa" | "rsa"): string {
  const f = join(dir, `key_${type}_${Math.random().toString(36).slice(2)}`);
  execFileSync("ssh-keygen", ["-q", "-t", type, ...(type === "rsa" ? ["-b", "1024"] : []), "-N", "", "-C", "root@archlinux", "-f", f]);
  return readFileSync(`${f}.pub`, "utf8");
}

const ED = hostKey("ed25519");
const [ED_TYPE, ED_KEY] = ED.split(" ") as [string, string];

describe("parseHostPublicKey", () => {
  it("reads a .pub line, with a tty's CRLF and noise around it", () => {
    expect(parseHostPublicKey(ED)).toEqual({ keyType: "ssh-ed25519", key: ED_KEY });
    const tty = `\r\n${ED.trim()}\r\nConnection to 192.168.121.45 closed.\r\n`;
    expect(parseHostPublicKey(tty)).toEqual({ keyType: "ssh-ed25519", key: ED_KEY });
    const ec = hostKey("ecdsa");
    expect(parseHostPublicKey(ec).keyType).toBe("ecdsa-sha2-nistp256");
  });

  it("refuses no key, several keys, and a key whose blob names another type", () => {
    expect(() => parseHostPublicKey("cat: /etc/ssh/ssh_host_ed25519_key.pub: No such file or directory\n")).toThrow(/no SSH public key/);
    expect(() => parseHostPublicKey(ED + hostKey("ed25519"))).toThrow(/2 public keys/);
    const rsa = hostKey("rsa").split(" ");
    expect(() => parseHostPublicKey(`ssh-ed25519 ${rsa[1]}`)).toThrow(/line says ssh-ed25519, the key data says ssh-rsa/);
    expect(() => parseHostPublicKey("ssh-ed25519 AAAA")).toThrow(/malformed/);
  });
});

describe("knownHostsLine", () => {
  it("writes [host]:port off port 22 and a bare host on 22, without the comment", () => {
    expect(knownHostsLine("127.0.0.1", 2222, ED)).toBe(`[127.0.0.1]:2222 ${ED_TYPE} ${ED_KEY}`);
    expect(knownHostsLine("192.168.121.45", 22, ED)).toBe(`192.168.121.45 ${ED_TYPE} ${ED_KEY}`);
    expect(knownHostsLine("192.168.121.45", 22, ED)).not.toContain("root@archlinux");
  });

  it("refuses host names and ports that would corrupt the file", () => {
    for (const h of ["a b", "a,b", "[a]", "*", "#x", ""]) expect(() => knownHostsLine(h, 22, ED)).toThrow(/cannot write a known_hosts line/);
    for (const p of [0, 65536, 22.5]) expect(() => knownHostsLine("h", p, ED)).toThrow(/port/);
  });

  it("is found by OpenSSH (ssh-keygen -F) and matches with the project's own known_hosts checker", () => {
    const file = join(dir, "vagrant.known_hosts");
    const cases: Array<[string, number, string]> = [
      ["127.0.0.1", 2222, "[127.0.0.1]:2222"],
      ["192.168.121.45", 22, "192.168.121.45"],
    ];
    for (const [host, port, lookup] of cases) {
      writeFileSync(file, knownHostsLine(host, port, ED) + "\n");
      const out = execFileSync("ssh-keygen", ["-F", lookup, "-f", file], { encoding: "utf8" });
      expect(out).toContain(ED_KEY);
      expect(checkHostKey(parseKnownHosts(readFileSync(file, "utf8")), host, port, ED_TYPE, ED_KEY)).toBe("match");
      const other = hostKey("ed25519").split(" ")[1]!;
      expect(checkHostKey(parseKnownHosts(readFileSync(file, "utf8")), host, port, ED_TYPE, other)).not.toBe("match");
    }
  });
});

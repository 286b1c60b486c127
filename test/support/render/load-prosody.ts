// Test helper: evaluate a rendered Prosody config with lua5.4 and a stub environment, returning its settings.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const STUB = join(dirname(fileURLToPath(import.meta.url)), "prosody-stub.lua");

/** One `VirtualHost` or `Component` section and the options assigned after it. */
export interface ProsodySection {
  kind: "VirtualHost" | "Component";
  name: string;
  module?: string;
  settings: Record<string, unknown>;
}

/** What a Prosody config file sets: globals, sections in order, Include patterns. */
export interface LoadedProsodyConfig {
  global: Record<string, unknown>;
  sections: ProsodySection[];
  includes: string[];
}

/** Runs `luac5.4 -p` and then the stub loader on `content`; throws with Lua's error on invalid input. */
export function loadProsodyConfig(content: string): LoadedProsodyConfig {
  const dir = mkdtempSync(join(tmpdir(), "provision-prosody-"));
  try {
    const file = join(dir, "test.cfg.lua");
    writeFileSync(file, content, "utf8");
    execFileSync("luac5.4", ["-p", file], { stdio: ["ignore", "pipe", "pipe"] });
    const out = execFileSync("lua5.4", [STUB, file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
    const parsed = JSON.parse(out) as LoadedProsodyConfig;
    // cjson encodes empty tables as objects; normalise the two list-shaped fields.
    if (!Array.isArray(parsed.sections)) parsed.sections = [];
    if (!Array.isArray(parsed.includes)) parsed.includes = [];
    return parsed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

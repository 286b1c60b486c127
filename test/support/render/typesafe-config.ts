// Test helper: parse HOCON with the real typesafe-config library (Debian libtypesafe-config-java) via a tiny Java program.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where Debian installs typesafe-config (package libtypesafe-config-java). */
export const TYPESAFE_CONFIG_JAR = "/usr/share/java/typesafe-config.jar";

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), "HoconToJson.java");

/** Result of parsing one document: the resolved config as plain JSON, or the parser's error message. */
export type HoconResult = { ok: Record<string, unknown> } | { error: string };

/** Compiles HoconToJson.java once into a cache dir keyed by its source hash, returning the class dir. */
function compiled(): string {
  const src = readFileSync(SOURCE);
  const key = createHash("sha256").update(src).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), `provision-hocon-${key}`);
  if (existsSync(join(dir, "HoconToJson.class"))) return dir;
  const work = mkdtempSync(join(tmpdir(), "provision-hocon-build-"));
  execFileSync("javac", ["-cp", TYPESAFE_CONFIG_JAR, "-d", work, SOURCE], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    renameSync(work, dir); // atomic; a concurrent builder may have won, which is fine
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

/** Parses and resolves each HOCON text with typesafe-config (one JVM for all), in order. */
export function parseWithTypesafe(texts: readonly string[]): HoconResult[] {
  return parseDirsWithTypesafe(texts.map((t) => ({ main: "main.conf", files: { "main.conf": t } })));
}

/** A directory of files to write, and the one to parse (its includes resolve relative to it, as jicofo's do). */
export interface HoconDir {
  main: string;
  files: Record<string, string>;
}

/**
 * Writes each set of files into a directory of its own and parses its `main` file with typesafe-config's parseFile
 * (one JVM for all, run from another working directory): `include "x.conf"` finds x.conf beside the including file.
 */
export function parseDirsWithTypesafe(dirs: readonly HoconDir[]): HoconResult[] {
  if (dirs.length === 0) return [];
  const classes = compiled();
  const work = mkdtempSync(join(tmpdir(), "provision-hocon-in-"));
  try {
    const mains = dirs.map((d, i) => {
      const dir = join(work, `${i}-${randomBytes(4).toString("hex")}`);
      mkdirSync(dir);
      for (const [name, text] of Object.entries(d.files)) writeFileSync(join(dir, name), text, "utf8");
      return join(dir, d.main);
    });
    const out = execFileSync("java", ["-cp", `${classes}:${TYPESAFE_CONFIG_JAR}`, "HoconToJson", ...mains], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      cwd: tmpdir(),
    });
    const lines = out.split("\n").filter((l) => l.length > 0);
    if (lines.length !== dirs.length) throw new Error(`HoconToJson printed ${lines.length} results for ${dirs.length} inputs`);
    return lines.map((l) => JSON.parse(l) as HoconResult);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Parses one HOCON text with typesafe-config and returns the resolved object, throwing the parser's error. */
export function parseOneWithTypesafe(text: string): Record<string, unknown> {
  const [r] = parseWithTypesafe([text]);
  if (!r || "error" in r) throw new Error(`typesafe-config: ${r ? r.error : "no result"}`);
  return r.ok;
}


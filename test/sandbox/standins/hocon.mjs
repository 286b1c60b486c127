// Shared by the Jitsi stand-ins (sandbox test infrastructure): reads a HOCON file with com.typesafe.config, the
// library jicofo and jitsi-videobridge load their config with (through the HoconToJson helper beside this file,
// compiled into each package's own directory), and the value conversions Typesafe Config / metaconfig apply.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const TYPESAFE_JAR = "/usr/share/java/typesafe-config.jar";
/** The helper's source; packages compile it with `javac -cp TYPESAFE_JAR -d <their dir> HELPER_SOURCE`. */
export const HELPER_SOURCE = new URL("HoconToJson.java", import.meta.url).pathname;

/** A configuration problem the service would refuse to start with. */
export class ConfigError extends Error {}

/** Parses the HOCON file (includes, substitutions) and returns the plain object; helperDir holds HoconToJson.class. */
export function readHocon(file, helperDir) {
  if (!existsSync(`${helperDir}/HoconToJson.class`)) {
    throw new ConfigError(`HOCON helper missing: ${helperDir}/HoconToJson.class (run the package's post-install)`);
  }
  try {
    const out = execFileSync("java", ["-cp", `${TYPESAFE_JAR}:${helperDir}`, "HoconToJson", file], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out);
  } catch (e) {
    const stderr = e && typeof e === "object" && "stderr" in e ? String(e.stderr).trim() : String(e);
    throw new ConfigError(stderr || `cannot read ${file}`);
  }
}

/** Parses a HOCON duration ("15 seconds", "500ms", 1000) into milliseconds. */
export function parseDuration(value, path) {
  if (typeof value === "number") return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(String(value));
  if (!m) throw new ConfigError(`com.typesafe.config.ConfigException$BadValue: ${path}: Invalid value at '${path}': No number in duration value '${value}'`);
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  const factors = { "": 1, ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1, s: 1000, second: 1000, seconds: 1000,
    m: 60000, minute: 60000, minutes: 60000, h: 3600000, hour: 3600000, hours: 3600000, d: 86400000, day: 86400000, days: 86400000 };
  if (!(unit in factors)) throw new ConfigError(`com.typesafe.config.ConfigException$BadValue: ${path}: Invalid value at '${path}': Could not parse time unit '${m[2]}'`);
  return n * factors[unit];
}

/** Reads a dotted path out of a plain object. */
export function at(obj, path) {
  return path.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), obj);
}

/** Boolean the way typesafe-config reads it (true/false/yes/no/on/off). */
export function bool(value, fallback, path) {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "boolean") return value;
  const s = String(value).toLowerCase();
  if (["true", "yes", "on"].includes(s)) return true;
  if (["false", "no", "off"].includes(s)) return false;
  throw new ConfigError(`com.typesafe.config.ConfigException$WrongType: ${path} has type STRING rather than BOOLEAN`);
}

/** ConfigValue.unwrapped().toString() in Java: lists as "[a, b]", objects as "{k=v}", the rest as written. */
export function javaString(value) {
  if (Array.isArray(value)) return `[${value.map(javaString).join(", ")}]`;
  if (value && typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${k}=${javaString(v)}`).join(", ")}}`;
  return String(value);
}

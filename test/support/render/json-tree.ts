// Test helpers for comparing HOCON parse results as JSON trees (shared by the jicofo and jvb tests).
import type { HoconResult } from "./typesafe-config.js";

export type Json = Record<string, unknown>;

/** The parsed tree, or an error naming typesafe-config's complaint. */
export function ok(r: HoconResult | undefined): Json {
  if (!r || "error" in r) throw new Error(`typesafe-config refused the file: ${r ? r.error : "no result"}`);
  return r.ok;
}

/** Deep merge (objects merge, everything else replaced), as HOCON does. */
export function merge(a: unknown, b: unknown): unknown {
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Json = { ...(a as Json) };
    for (const [k, v] of Object.entries(b as Json)) out[k] = merge(out[k], v);
    return out;
  }
  return b;
}

/** Expands { "a.b.c": v } into nested objects. */
export function nest(flat: Record<string, unknown>): Json {
  let out: Json = {};
  for (const [path, v] of Object.entries(flat)) {
    const obj = path.split(".").reduceRight<unknown>((acc, seg) => ({ [seg]: acc }), v);
    out = merge(out, obj) as Json;
  }
  return out;
}

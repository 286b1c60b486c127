// The facts of many tasks read together: deduplicated, sent as one batch (src/facts/batch.ts), settled one by one.
import { randomBytes } from "node:crypto";
import type { Host } from "../host/host.js";
import { batchArgv, batchInput, parseBatch, type BatchLock, type FactOutput } from "./batch.js";
import { factKey, settle, type Fact, type FactsOf } from "./fact.js";

/** What a task reads: one fact, or an object of facts (its plan gets the object of their values). */
export type FactSource<F> = Fact<F> | FactsOf<F>;

/** Each fact's value or the error its read (or parse) is, by factKey. */
export type Known = Map<string, { value: unknown } | { error: Error }>;

function isFact(x: unknown): x is Fact<unknown> {
  return typeof x === "object" && x !== null && typeof (x as Fact<unknown>).script === "string" && typeof (x as Fact<unknown>).parse === "function";
}

/** The facts of a source. */
export function factList(src: FactSource<unknown>): Fact<unknown>[] {
  return isFact(src) ? [src] : (Object.values(src as Record<string, Fact<unknown>>) as Fact<unknown>[]);
}

/** The facts of several sources, each once. */
export function uniqueFacts(sources: Iterable<FactSource<unknown>>): Fact<unknown>[] {
  const out = new Map<string, Fact<unknown>>();
  for (const src of sources) for (const f of factList(src)) if (!out.has(factKey(f))) out.set(factKey(f), f);
  return [...out.values()];
}

/** A source's values from what was read; throws the error of the first fact that failed. */
export function assemble<F>(src: FactSource<F>, known: Known): F {
  const get = (f: Fact<unknown>) => {
    const got = known.get(factKey(f));
    if (!got) throw new Error(`fact ${f.name} was not read`);
    if ("error" in got) throw got.error;
    return got.value;
  };
  if (isFact(src)) return get(src) as F;
  return Object.fromEntries(Object.entries(src as Record<string, Fact<unknown>>).map(([k, f]) => [k, get(f)])) as F;
}

/** A tag no output holds (a batch's markers). */
export function batchTag(): string {
  return `@@@provision-${randomBytes(8).toString("hex")}`;
}

/** Settle each fact from the batch's outputs (a fact the batch did not answer counts as failed). */
export function settleAll(facts: readonly Fact<unknown>[], outputs: readonly FactOutput[], readAt: number, where: string, unanswered: FactOutput): Known {
  return new Map(facts.map((f, i) => [factKey(f), settle(f, outputs[i] ?? unanswered, readAt, where)]));
}

/** Read facts in one command (as root), after taking `lock` when given; also the lock's exit code and output. */
export async function readBatch(host: Host, facts: readonly Fact<unknown>[], lock?: BatchLock): Promise<{ code: number; lock?: { code: number; stdout: string }; stderr: string; known: Known }> {
  const tag = batchTag();
  const before = Date.now() / 1000;
  const input = batchInput(facts);
  const r = await host.run(batchArgv(tag, lock, facts), { sudo: true, ...(input === undefined ? {} : { stdin: input }) });
  const out = parseBatch(r.stdout, tag);
  return { code: r.code, ...(out.lock ? { lock: out.lock } : {}), stderr: r.stderr, known: settleAll(facts, out.facts, (before + Date.now() / 1000) / 2, host.name, { code: r.code || 255, stdout: "", stderr: r.stderr || "(the batch gave no answer for it)" }) };
}

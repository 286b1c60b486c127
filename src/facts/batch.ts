// Many facts in one remote command, optionally after taking the run's lock (src/lock.ts): the wire format both ways.
import type { Fact } from "./fact.js";

/** The label of the batch command (`provision-facts script …` in messages). */
export const BATCH_LABEL = "provision-facts";

// $1 a tag no output contains, $2 the lock script (or "" for none) and $3-$5 its arguments (lock dir, our holder
// record, a holder found stale); then per fact: its name, its script, how many arguments, whether it takes a line of
// the batch's standard input (1/0: values that must stay out of argument lists), the arguments. Prints
// "\n<tag> lock <exit>" after taking the lock (and stops unless it was taken: 0, or 5 taken over), then per fact
// "\n<tag> fact <name>", its output, "\n<tag> end <exit>" and its error output. Each fact runs in its own sh with
// its own arguments (referenced by position through eval: no value is ever spliced into code).
const DRIVER = `tag=$1 acquire=$2 lock=$3 me=$4 stale=$5; shift 5
if [ -n "$acquire" ]; then
  sh -c "$acquire" lock "$lock" "$me" "$stale" </dev/null; rc=$?
  printf '\\n%s lock %s\\n' "$tag" "$rc"
  case $rc in 0|5) ;; *) exit "$rc" ;; esac
fi
err=$(mktemp) && in=$(mktemp) || exit 1
trap 'rm -f -- "$err" "$in"' EXIT
while [ $# -ge 4 ]; do
  name=$1 script=$2 n=$3 takes=$4; shift 4
  if [ "$takes" = 1 ]; then IFS= read -r line || line=; printf '%s\\n' "$line" >"$in"; else : >"$in"; fi
  refs=""; j=1
  while [ "$j" -le "$n" ]; do refs="$refs \\"\\\${$j}\\""; j=$((j + 1)); done
  printf '\\n%s fact %s\\n' "$tag" "$name"
  eval "sh -c \\"\\$script\\" \\"\\$name\\" $refs" 2>"$err" <"$in"
  printf '\\n%s end %s\\n' "$tag" "$?"
  cat -- "$err"
  shift "$n"
done
exit 0`;

export interface BatchLock {
  /** The lock script (src/lock.ts ACQUIRE) and its arguments. */
  script: string;
  dir: string;
  me: string;
  stale: string;
}

/** What one fact's script left. */
export interface FactOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** The argv of one batch (run as root). */
export function batchArgv(tag: string, lock: BatchLock | undefined, facts: readonly Fact<unknown>[]): string[] {
  const head = [tag, lock?.script ?? "", lock?.dir ?? "", lock?.me ?? "", lock?.stale ?? ""];
  return ["sh", "-c", DRIVER, BATCH_LABEL, ...head, ...facts.flatMap((f) => [f.name, f.script, String(f.args.length), f.input === undefined ? "0" : "1", ...f.args])];
}

/** The batch's standard input: the input line of each fact that takes one, in order (undefined when none does). */
export function batchInput(facts: readonly Fact<unknown>[]): string | undefined {
  const lines = facts.filter((f) => f.input !== undefined).map((f) => `${f.input}\n`);
  return lines.length ? lines.join("") : undefined;
}

/** A batch argv taken apart (for fakes and tests); undefined for any other command. */
export function decodeBatch(argv: readonly string[]): { tag: string; lock?: Omit<BatchLock, "script">; facts: { name: string; script: string; args: string[] }[] } | undefined {
  if (argv[0] !== "sh" || argv[1] !== "-c" || argv[2] !== DRIVER || argv[3] !== BATCH_LABEL) return undefined;
  const [tag = "", script = "", dir = "", me = "", stale = "", ...rest] = argv.slice(4);
  const facts: { name: string; script: string; args: string[] }[] = [];
  for (let i = 0; i + 3 < rest.length; ) {
    const n = Number(rest[i + 2]);
    facts.push({ name: rest[i]!, script: rest[i + 1]!, args: rest.slice(i + 4, i + 4 + n) });
    i += 4 + n;
  }
  return { tag, ...(script ? { lock: { dir, me, stale } } : {}), facts };
}

/** The output a batch prints (for fakes and tests): the inverse of parseBatch. */
export function encodeBatch(tag: string, lock: { code: number; stdout: string } | undefined, facts: readonly FactOutput[]): string {
  const head = lock ? `${lock.stdout}\n${tag} lock ${lock.code}\n` : "";
  return head + facts.map((f, i) => `\n${tag} fact f${i}\n${f.stdout}\n${tag} end ${f.code}\n${f.stderr}`).join("");
}

/** Pure: the lock's exit code and output (when the batch took it), and each fact's output, in order. */
export function parseBatch(stdout: string, tag: string): { lock?: { code: number; stdout: string }; facts: FactOutput[] } {
  const marker = new RegExp(`\\n?${tag.replace(/[^\w-]/g, "\\$&")} (lock|fact|end) (\\S+)\\n`, "g");
  const hits = [...stdout.matchAll(marker)];
  const text = (i: number) => stdout.slice(hits[i]!.index! + hits[i]![0].length, hits[i + 1]?.index ?? stdout.length);
  let lock: { code: number; stdout: string } | undefined;
  const facts: FactOutput[] = [];
  hits.forEach((h, i) => {
    if (h[1] === "lock") lock = { code: Number(h[2]), stdout: stdout.slice(0, h.index) };
    if (h[1] === "fact" && hits[i + 1]?.[1] === "end") facts.push({ stdout: text(i), code: Number(hits[i + 1]![2]), stderr: text(i + 1) });
  });
  return { ...(lock ? { lock } : {}), facts };
}

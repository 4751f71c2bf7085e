/**
 * Piscina worker: classifies fuzz case `index` of run `seed`. The corpus is read once per thread.
 */
import { type FuzzCorpus, fuzzCase, loadFuzzCorpus } from "./fuzz-corpus.ts";
import { type FuzzOutcomeKind, fuzzOne } from "./fuzz-target.ts";

export interface FuzzTask {
  readonly seed: number;
  readonly index: number;
}

export interface FuzzRecord {
  readonly index: number;
  readonly kind: string;
  readonly mutation: string;
  readonly outcome: FuzzOutcomeKind;
  readonly detail: string;
}

let corpus: FuzzCorpus | undefined;

/** Index -1 only loads the thread (the pool's warm-up). */
export default function runTask(task: FuzzTask): FuzzRecord {
  corpus ??= loadFuzzCorpus();
  if (task.index < 0) return { index: -1, kind: "", mutation: "", outcome: "ok", detail: "" };
  const input = fuzzCase(corpus, task.seed, task.index);
  const { outcome, detail } = fuzzOne(input);
  return { index: task.index, kind: input.kind, mutation: input.mutation.slice(0, 200), outcome, detail };
}

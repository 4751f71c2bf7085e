/**
 * What the serving engine announces while it runs: one typed union, handed to every listener in
 * the order it happens. The recorder's parts (metrics, the iteration timeline behind the Chrome
 * trace, the time series, the per-request outcomes behind the CSV/JSONL records) each subscribe to
 * the kinds they need; a caller may add its own (`SimulateOptions.listeners`).
 */

/** The engine's events. Times are simulated seconds. */
export type EngineEvent =
  /** A request entered the system (open-loop arrival or a closed-loop user's request). */
  | { readonly kind: "arrival"; readonly timeS: number; readonly id: number }
  /** A request left: finished or dropped (its pool slot is still readable). */
  | { readonly kind: "departure"; readonly timeS: number; readonly id: number }
  /** A request with a shared prefix was routed: where its prefix's KV was found, if anywhere. */
  | { readonly kind: "prefix-lookup"; readonly tokens: number; readonly hit: "hbm" | "pool" | "miss" }
  /** A request joined a prefill batch, reserving this many tokens of KV. */
  | { readonly kind: "prefill-admitted"; readonly id: number; readonly tokens: number }
  /** A decoding request was preempted (its KV swapped out or dropped for recomputation). */
  | { readonly kind: "preemption"; readonly id: number; readonly mode: "swap" | "recompute" }
  /** An iteration (or a window of decode steps) of one instance ended. */
  | {
      readonly kind: "iteration";
      readonly instance: number;
      readonly startS: number;
      readonly durationS: number;
      readonly phase: "prefill" | "decode" | "mixed";
      readonly sequences: number;
      /** Prompt tokens computed in it (prefill chunks). */
      readonly newTokens: number;
      readonly steps: number;
      /**
       * Sequences of the instance in their decode phase during it: each gets one token per step of
       * a decode window or mixed iteration; in a prefill-only iteration they wait (no token).
       */
      readonly decodes: number;
    }
  /** Time to take a time-series sample. */
  | { readonly kind: "sample"; readonly timeS: number };

export type EngineEventKind = EngineEvent["kind"];

/** Anything that follows the engine. */
export interface EngineListener {
  on(event: EngineEvent): void;
}

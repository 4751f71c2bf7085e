/**
 * The `hybridStatePool` section of a serving-engine release (data/engines/<name>.yaml): how the
 * engine sizes the recurrent-state pool of a hybrid model (Gated DeltaNet / Mamba layers beside
 * full attention) and what that pool allows to run (perf/hybrid-state-pool.ts).
 */
import { z } from "zod";
import { EVIDENCE_TAGS } from "../spec/index.ts";

/**
 * The memory the engine keeps for its caches (after weights) is split between the recurrent-state
 * pool and the KV pool in the ratio `stateToKvMemoryRatio` (state / KV: the state pool gets
 * ratio / (1 + ratio) of it), the state pool is cut into one-sequence slots, and the engine runs at
 * most slots / `slotsPerRunningRequest` requests at once (the rest of the slots hold prefix-cache
 * states and each request's extra buffers).
 */
export const hybridStatePoolSchema = z.strictObject({
  stateToKvMemoryRatio: z.number().positive(),
  slotsPerRunningRequest: z.number().int().positive(),
  source: z.string(),
  tag: z.enum(EVIDENCE_TAGS),
  note: z.string().optional(),
});

/** The rule the model applies (engine-profile.ts `hybridStatePool`). */
export interface HybridStatePool {
  readonly stateToKvMemoryRatio: number;
  readonly slotsPerRunningRequest: number;
}

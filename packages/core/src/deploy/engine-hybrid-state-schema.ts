/**
 * The `hybridStatePool` section of a serving-engine release (data/engines/<name>.yaml): how the
 * engine sizes the recurrent-state pool of a hybrid model (Gated DeltaNet / Mamba layers beside
 * full attention) and what that pool allows to run (perf/hybrid-state-pool.ts).
 */
import { z } from "zod";
import { type EngineSpec, EVIDENCE_TAGS } from "../spec/index.ts";

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
  /**
   * The slot counts of the strategies a scenario may state (`engine.mambaSchedulerStrategy`,
   * `engine.disableRadixCache`): the prefix cache's states per running request, the extra
   * buffers with and without the overlap scheduler, and the count with the prefix cache off.
   */
  strategies: z
    .strictObject({
      prefixCacheSlots: z.number().int().positive(),
      extraBufferSlots: z.strictObject({
        overlap: z.number().int().nonnegative(),
        noOverlap: z.number().int().nonnegative(),
      }),
      radixCacheOffSlots: z.number().int().positive(),
    })
    .optional(),
  source: z.string(),
  tag: z.enum(EVIDENCE_TAGS),
  note: z.string().optional(),
});

type Strategies = NonNullable<z.output<typeof hybridStatePoolSchema>["strategies"]>;

/**
 * The release's state pool with the strategy the scenario states (`engine.mambaSchedulerStrategy`,
 * `engine.disableRadixCache`; engine-profile.ts refuses them where the release records no strategies).
 * @example statedHybridPool({ stateToKvMemoryRatio: 0.9, slotsPerRunningRequest: 5, source: "", tag: "spec" }, {}).stated // undefined
 */
export function statedHybridPool(
  pool: z.output<typeof hybridStatePoolSchema>,
  spec: Pick<EngineSpec, "mambaSchedulerStrategy" | "disableRadixCache">,
): HybridStatePool {
  const rule = {
    stateToKvMemoryRatio: pool.stateToKvMemoryRatio,
    slotsPerRunningRequest: pool.slotsPerRunningRequest,
  };
  const slots = pool.strategies;
  if (
    slots === undefined ||
    (spec.mambaSchedulerStrategy === undefined && spec.disableRadixCache === undefined)
  )
    return rule;
  return {
    ...rule,
    stated: {
      ...(spec.mambaSchedulerStrategy !== undefined ? { strategy: spec.mambaSchedulerStrategy } : {}),
      radixCacheOff: spec.disableRadixCache === true,
      slots,
    },
  };
}

/** The rule the model applies (engine-profile.ts `hybridStatePool`). */
export interface HybridStatePool {
  readonly stateToKvMemoryRatio: number;
  /** The release's default: what its `auto` strategy resolves to. */
  readonly slotsPerRunningRequest: number;
  /** The scenario's `engine.mambaSchedulerStrategy` / `engine.disableRadixCache`, with the release's slot counts. */
  readonly stated?: {
    readonly strategy?: "no_buffer" | "extra_buffer";
    readonly radixCacheOff: boolean;
    readonly slots: Strategies;
  };
}

/**
 * State slots per running request: the release's default, or, for a stated strategy, SGLang's
 * calculate_mamba_ratio — 1 with the radix cache off, else the prefix cache's 3 plus, for
 * extra_buffer, 2 ping-pong buffers with the overlap scheduler or 1 without.
 * @example runningRequestSlots({ stateToKvMemoryRatio: 0.9, slotsPerRunningRequest: 5 }, true) // 5
 */
export function runningRequestSlots(pool: HybridStatePool, overlapScheduler: boolean): number {
  const s = pool.stated;
  if (s === undefined) return pool.slotsPerRunningRequest;
  if (s.radixCacheOff) return s.slots.radixCacheOffSlots;
  if (s.strategy === "no_buffer") return s.slots.prefixCacheSlots;
  if (s.strategy === "extra_buffer")
    return (
      s.slots.prefixCacheSlots +
      (overlapScheduler ? s.slots.extraBufferSlots.overlap : s.slots.extraBufferSlots.noOverlap)
    );
  return pool.slotsPerRunningRequest;
}

/**
 * Test support: FLOP sums over operators, and the decode-FLOPs property the layer tests check for
 * every model family (2 × activated parameters per token + attention).
 */

import fc from "fast-check";
import { expect } from "vitest";
import { layerOperators, modelHeadOperators } from "../layer-operators.ts";
import type { ModelWorkload } from "../layer-work.ts";
import { countParameters } from "../parameters.ts";
import type { ModelArchitecture, Operator } from "../types.ts";

export const sum = (ops: readonly Operator[], pick: (o: Operator) => number = (o) => o.flops) =>
  ops.reduce((s, o) => s + pick(o), 0);

/** The head and every decoder layer of a model for one workload. */
function modelOps(arch: ModelArchitecture, w: ModelWorkload): Operator[] {
  const ops = modelHeadOperators(arch, w);
  for (let i = 0; i < arch.numLayers; i++) ops.push(...layerOperators(arch, i, w));
  return ops;
}

/**
 * Over random decode batches (1 … `maxSequences` sequences, 1 … 32,768 mean KV tokens), a step's
 * FLOPs outside attention are 2 × activated parameters per token (±1 %); `attentionPositive`
 * also requires the attention FLOPs to be above zero.
 */
export function expectDecodeFlops(
  arch: ModelArchitecture,
  runs: { readonly maxSequences: number; readonly numRuns: number; readonly attentionPositive?: boolean },
): void {
  const activated = countParameters(arch).activatedPerToken;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: runs.maxSequences }),
      fc.integer({ min: 1, max: 32768 }),
      (sequences, meanKv) => {
        const ops = modelOps(arch, { phase: "decode", sequences, kvTokens: sequences * meanKv });
        const attention = sum(ops.filter((o) => o.class === "attention-decode"));
        const expected = 2 * activated * sequences;
        expect(Math.abs(sum(ops) - attention - expected) / expected).toBeLessThan(0.01);
        if (runs.attentionPositive === true) expect(attention).toBeGreaterThan(0);
      },
    ),
    { numRuns: runs.numRuns },
  );
}

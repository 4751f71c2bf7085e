/**
 * DualPipe's ranks (DeepSeek-V3 technical report, arXiv:2412.19437 §3.2.1; deepseek-ai/DualPipe
 * `examples/example_dualpipe.py`): rank r holds pipeline stage r and stage p − 1 − r, and the
 * micro-batches enter from both ends, half each way, so a rank runs m/2 micro-batches through each
 * of its two stages. Its work per micro-batch is the mean of the two, and the first stage
 * (embedding) and the last (head, loss, MTP) share rank 0. The same pairing holds for MindSpeed's
 * DualPipeV, whose V shape puts the first and the last half-stage on one rank.
 */
import { addTimes, ZERO_TIMES } from "./operator-times.ts";
import type { StageCompute } from "./stage-compute.ts";

/**
 * The p/2 ranks of a DualPipe pipeline, each as the mean per micro-batch of its two stages; `stage`
 * is the rank (= its first stage), `layers`, `moeLayers` and `tpBlocks` the mean of the two.
 * @example dualPipeRanks(stages).length // stages.length / 2
 */
export function dualPipeRanks(stages: readonly StageCompute[]): StageCompute[] {
  const p = stages.length;
  const ranks: StageCompute[] = [];
  for (let r = 0; r < p / 2; r++) {
    const a = stages[r] as StageCompute;
    const b = stages[p - 1 - r] as StageCompute;
    ranks.push({
      ...addTimes(addTimes(ZERO_TIMES, a, 0.5), b, 0.5),
      stage: r,
      layers: (a.layers + b.layers) / 2,
      moeLayers: (a.moeLayers + b.moeLayers) / 2,
      tpBlocks: {
        mixer: (a.tpBlocks.mixer + b.tpBlocks.mixer) / 2,
        ffn: (a.tpBlocks.ffn + b.tpBlocks.ffn) / 2,
        sharedExperts: (a.tpBlocks.sharedExperts + b.tpBlocks.sharedExperts) / 2,
        gatheredExperts: (a.tpBlocks.gatheredExperts + b.tpBlocks.gatheredExperts) / 2,
      },
    });
  }
  return ranks;
}

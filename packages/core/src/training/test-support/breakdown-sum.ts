/** The parts of a training step's breakdown, which add up to the step time. */
import type { TrainEstimate } from "../train-estimate.ts";

export function breakdownSumS(e: TrainEstimate): number {
  const b = e.breakdown;
  return (
    b.forwardS +
    b.backwardS +
    b.recomputeS +
    b.tp.exposedS +
    b.cp.exposedS +
    b.ep.exposedS +
    b.dp.exposedS +
    b.pp.exposedS +
    b.bubbleS +
    b.optimizerS
  );
}

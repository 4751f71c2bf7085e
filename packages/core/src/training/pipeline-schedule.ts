/**
 * Pipeline schedules: time of m micro-batches through p stages from the slowest stage's per
 * micro-batch forward F, data-gradient backward B and weight-gradient backward W (each including
 * its exposed communication). The bubble formulas are the published ones:
 * - GPipe and 1F1B: (p − 1)(F + B + W) (Narayanan et al. 2021, arXiv:2104.04473 §2.2);
 * - interleaved 1F1B with v model chunks per stage: (p − 1)(F + B + W) / v (same paper, §2.2.2);
 * - zero-bubble ZB-H1: (p − 1)(F + B − 2W) (Qi et al. 2023, arXiv:2401.10241; DeepSeek-V3 Table 2);
 * - DualPipe: (p/2 − 1)(F&B + B − 3W), F&B the time of a forward and a backward chunk run as one
 *   overlapped pair, here F + B (DeepSeek-V3 technical report, arXiv:2412.19437 §3.2.1, Table 2).
 */
import type { PipelineSchedule } from "../spec/index.ts";

export interface PipelineTiming {
  /** m × (F + B + W): every micro-batch's work on the slowest stage. */
  readonly busyS: number;
  readonly bubbleS: number;
  readonly totalS: number;
}

/**
 * Time of one step's micro-batches through the pipeline.
 * @example pipelineTiming("1f1b", 4, 1, 8, 1, 2, 0) // busy 24 s, bubble 9 s
 */
export function pipelineTiming(
  schedule: PipelineSchedule,
  stages: number,
  virtualStages: number,
  microBatches: number,
  forwardS: number,
  backwardS: number,
  weightGradS: number,
): PipelineTiming {
  const p = stages;
  const F = forwardS;
  const B = backwardS;
  const W = weightGradS;
  const busyS = microBatches * (F + B + W);
  let bubbleS: number;
  switch (schedule) {
    case "gpipe":
    case "1f1b":
      bubbleS = (p - 1) * (F + B + W);
      break;
    case "interleaved":
      bubbleS = ((p - 1) * (F + B + W)) / virtualStages;
      break;
    case "zero-bubble":
      bubbleS = (p - 1) * (F + B - 2 * W);
      break;
    case "dualpipe":
      bubbleS = (p / 2 - 1) * (F + B + B - 3 * W);
      break;
    default: {
      const unreachable: never = schedule;
      return unreachable;
    }
  }
  bubbleS = Math.max(0, bubbleS);
  return { busyS, bubbleS, totalS: busyS + bubbleS };
}

/**
 * One rank's operators timed into a micro-batch's compute times (`stage-compute.ts` builds the
 * pipeline from them): each operator at the operator model's time on the rank's device
 * (`perf/operator-time.ts`), in ring-exchange chunks where TP communication is overlapped
 * (`tp-overlap-split.ts`), as TE's per-expert loop where asked (`expert-gemm-loop.ts`), plus the
 * FP8 / NVFP4 quantization of its BF16 operand (`fp8-quantization.ts`). Backward splits into
 * data-gradient (B) and weight-gradient (W) operators; recomputation re-times forward operators.
 */
import type { ModelWorkload, Operator } from "../model/index.ts";
import { type Device, type EfficiencyProfile, operatorTime } from "../perf/index.ts";
import { perExpertQuantize, perExpertStreamsTime } from "./expert-gemm-loop.ts";
import type { OperandScaling } from "./fp8-quantization.ts";
import { mambaSsdScanS } from "./mamba-ssd-scan.ts";
import { sequenceParallelShard } from "./sequence-parallel-shard.ts";
import { chunksInFlight, ringExchangeChunk } from "./tp-overlap-split.ts";
import type { TrainingScenario } from "./training-scenario.ts";

/**
 * Backward seconds of the column-parallel GEMMs that read a TP block's gathered input (the mixer's
 * QKV / in-projection, the dense FFN's gate-up): the GEMMs beside which Megatron-Core and Transformer
 * Engine run that block's asynchronous backward collectives without TP overlap (`tp-comm.ts`).
 */
export interface ColumnGemmTimes {
  readonly mixerDgradS: number;
  readonly mixerWgradS: number;
  readonly ffnDgradS: number;
  readonly ffnWgradS: number;
}

const ZERO_COLUMN: ColumnGemmTimes = { mixerDgradS: 0, mixerWgradS: 0, ffnDgradS: 0, ffnWgradS: 0 };

/** The TP block whose gathered input a GEMM reads first (its column-parallel projection), if any. */
function columnBlock(name: string): "mixer" | "ffn" | undefined {
  const base = name.replace(/\.(dgrad|wgrad)$/, "");
  if (/(^|\.)(attn\.qkv_proj|lin\.in_proj)$/.test(base)) return "mixer";
  if (/(^|\.)ffn\.gate_up_proj$/.test(base)) return "ffn";
  return undefined;
}

/** Seconds (and FLOPs) of one micro-batch through some operators on one rank. */
export interface ComputeTimes {
  readonly forwardS: number;
  /** Data-gradient backward (B in zero-bubble notation). */
  readonly backwardDataS: number;
  /** Weight-gradient backward (W). */
  readonly backwardWeightS: number;
  readonly recomputeS: number;
  /** Attention-core seconds inside forwardS and backwardDataS (what a CP ring hides under). */
  readonly attentionForwardS: number;
  readonly attentionBackwardS: number;
  /** Seconds the GPU waits for the host in eager MoE layers (inside forwardS and backwardDataS; `eager-moe-host.ts`). */
  readonly hostWaitS: number;
  /** FLOPs executed (forward + backward + recompute). */
  readonly flops: number;
  /** Backward of the column-parallel GEMMs per TP block (inside backwardDataS / backwardWeightS). */
  readonly columnGemms: ColumnGemmTimes;
}

export const ZERO_TIMES: ComputeTimes = {
  forwardS: 0,
  backwardDataS: 0,
  backwardWeightS: 0,
  recomputeS: 0,
  attentionForwardS: 0,
  attentionBackwardS: 0,
  hostWaitS: 0,
  flops: 0,
  columnGemms: ZERO_COLUMN,
};

/** a + times × b, field by field. */
export function addTimes(a: ComputeTimes, b: ComputeTimes, times = 1): ComputeTimes {
  return {
    forwardS: a.forwardS + times * b.forwardS,
    backwardDataS: a.backwardDataS + times * b.backwardDataS,
    backwardWeightS: a.backwardWeightS + times * b.backwardWeightS,
    recomputeS: a.recomputeS + times * b.recomputeS,
    attentionForwardS: a.attentionForwardS + times * b.attentionForwardS,
    attentionBackwardS: a.attentionBackwardS + times * b.attentionBackwardS,
    hostWaitS: a.hostWaitS + times * b.hostWaitS,
    flops: a.flops + times * b.flops,
    columnGemms: {
      mixerDgradS: a.columnGemms.mixerDgradS + times * b.columnGemms.mixerDgradS,
      mixerWgradS: a.columnGemms.mixerWgradS + times * b.columnGemms.mixerWgradS,
      ffnDgradS: a.columnGemms.ffnDgradS + times * b.columnGemms.ffnDgradS,
      ffnWgradS: a.columnGemms.ffnWgradS + times * b.columnGemms.ffnWgradS,
    },
  };
}

/** Operators whose forward a `selective` recompute re-runs: norms and activation functions. */
function selectivelyRecomputed(op: Operator): boolean {
  return op.class === "vector" && (op.name.includes("norm") || op.name.endsWith(".act"));
}

/** How one rank's operators are timed: device, profile, recompute and FP8 / NVFP4 quantization. */
export interface TimingContext {
  readonly device: Device;
  readonly profile: EfficiencyProfile;
  /** The FP8 / NVFP4 quantization operator in front of a GEMM (`fp8-quantization.ts`), if any. */
  readonly quantize: (op: Operator) => Operator | undefined;
  /** Tensor-parallel ranks whose communication the GEMMs overlap by ring exchange (1: none). */
  readonly ringExchangeTp: number;
  /** Seconds of one ring step: one [tokens, hidden] BF16 shard over the TP group's link. */
  readonly ringStepS: number;
  /** Ranks the sequence is split over outside the TP GEMMs (tp under sequence parallelism, else 1). */
  readonly sequenceShard: number;
  /** Experts as TE's per-expert cuBLAS loop (`expert-gemm-loop.ts`) with this operand scaling; absent: one grouped kernel. */
  readonly expertLoop?: { readonly scaling: OperandScaling };
  /** Mamba-2's SSD scan at mamba_ssm's Triton kernels' speed (`mamba-ssd-scan.ts`); absent: a GEMM of its FLOPs. */
  readonly mambaScan?: boolean;
  /** The FP8 scaling an operator format gives `op` (`operator-precision.ts`); undefined: the job's. */
  readonly formatScaling?: (op: Operator) => OperandScaling | undefined;
}

/** Seconds of `op` (in ring-exchange chunks when overlapped, `tp-overlap-split.ts`) plus the FP8 / NVFP4 quantization of its BF16 operand. */
function opTime(whole: Operator, ctx: TimingContext): number {
  const scan = ctx.mambaScan === true ? mambaSsdScanS(whole, ctx.device) : undefined;
  if (scan !== undefined) return scan;
  const op = sequenceParallelShard(whole, ctx.sequenceShard);
  const loop = op.class === "grouped-gemm" ? ctx.expertLoop : undefined;
  const quantized = ctx.quantize(op);
  const q =
    loop && quantized
      ? perExpertQuantize(quantized, op.shape?.groups ?? 1, ctx.formatScaling?.(op) ?? loop.scaling)
      : quantized;
  const t =
    (loop && perExpertStreamsTime(op, ctx.device, ctx.profile)) ??
    splitGemmTime(op, ctx) ??
    operatorTime(op, ctx.device, ctx.profile).timeS;
  return q === undefined ? t : t + operatorTime(q, ctx.device, ctx.profile).timeS;
}

/** A ring-exchange-split GEMM: tp/s launches, s the chunks the ring step lets run at once. */
function splitGemmTime(op: Operator, ctx: TimingContext): number | undefined {
  const tp = ctx.ringExchangeTp;
  const single = ringExchangeChunk(op, tp, 1);
  if (single === undefined) return undefined;
  const alone = operatorTime(single.chunk, ctx.device, ctx.profile).timeS;
  const split = ringExchangeChunk(op, tp, chunksInFlight(alone, ctx.ringStepS, tp));
  return split === undefined
    ? undefined
    : split.launches * operatorTime(split.chunk, ctx.device, ctx.profile).timeS;
}

/** Forward, backward (B and W) and recompute times of the operators `build` makes for each phase. */
export function timeOps(
  build: (w: ModelWorkload) => Operator[],
  workload: (phase: "train-forward" | "train-backward") => ModelWorkload,
  ctx: TimingContext,
  recompute: TrainingScenario["recompute"],
): ComputeTimes {
  return timeOpsWithPart(build, workload, ctx, recompute, () => false).whole;
}

/**
 * `timeOps` of all the operators and, from the same per-operator times (each operator timed once),
 * of those `inPart` selects (e.g. an eager MoE layer's operators launched before its sync).
 * @example timeOpsWithPart(build, workload, ctx, "none", launchedBeforeMoeSync).part.forwardS
 */
export function timeOpsWithPart(
  build: (w: ModelWorkload) => Operator[],
  workload: (phase: "train-forward" | "train-backward") => ModelWorkload,
  ctx: TimingContext,
  recompute: TrainingScenario["recompute"],
  inPart: (op: Operator) => boolean,
): { readonly whole: ComputeTimes; readonly part: ComputeTimes } {
  const whole = new Tally();
  const part = new Tally();
  for (const op of build(workload("train-forward"))) {
    const t = opTime(op, ctx);
    const again = recompute === "full" || (recompute === "selective" && selectivelyRecomputed(op));
    whole.forward(op, t, again);
    if (inPart(op)) part.forward(op, t, again);
  }
  for (const op of build(workload("train-backward"))) {
    const t = opTime(op, ctx);
    whole.backward(op, t);
    if (inPart(op)) part.backward(op, t);
  }
  return { whole: whole.times(), part: part.times() };
}

/** Sums operators' times into `ComputeTimes`, forward operators first, then backward, in order. */
class Tally {
  private forwardS = 0;
  private recomputeS = 0;
  private flops = 0;
  private attentionForwardS = 0;
  private attentionBackwardS = 0;
  private backwardDataS = 0;
  private backwardWeightS = 0;
  private readonly column = { ...ZERO_COLUMN };

  /** A forward operator of `t` seconds, re-run in backward when `recomputed`. */
  forward(op: Operator, t: number, recomputed: boolean): void {
    this.forwardS += t;
    if (op.class === "attention-prefill") this.attentionForwardS += t;
    this.flops += op.flops;
    if (recomputed) {
      this.recomputeS += t;
      this.flops += op.flops;
    }
  }

  /** A backward operator of `t` seconds: weight-gradient (W) by its name, else data-gradient (B). */
  backward(op: Operator, t: number): void {
    const wgrad = op.name.endsWith(".wgrad");
    if (wgrad) this.backwardWeightS += t;
    else this.backwardDataS += t;
    const block = op.class === "gemm" ? columnBlock(op.name) : undefined;
    if (block !== undefined) this.column[`${block}${wgrad ? "WgradS" : "DgradS"}`] += t;
    if (op.class === "attention-prefill") this.attentionBackwardS += t;
    this.flops += op.flops;
  }

  times(): ComputeTimes {
    return {
      forwardS: this.forwardS,
      backwardDataS: this.backwardDataS,
      backwardWeightS: this.backwardWeightS,
      recomputeS: this.recomputeS,
      attentionForwardS: this.attentionForwardS,
      attentionBackwardS: this.attentionBackwardS,
      hostWaitS: 0,
      flops: this.flops,
      columnGemms: { ...this.column },
    };
  }
}

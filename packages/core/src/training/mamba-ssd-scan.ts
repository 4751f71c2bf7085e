/**
 * The Mamba-2 SSD chunked scan as Megatron-Core trains it. The operator graph times the scan
 * (`lin.ssd`, `model/mamba2.ts`) as one GEMM of its FLOPs, and its backward as a GEMM's dgrad +
 * wgrad (2× forward). Megatron-LM 24bad8e6 (`megatron/core/ssm/mamba_mixer.py` `_ssm_training`)
 * runs mamba_ssm's Triton `mamba_split_conv1d_scan_combined` instead: five kernels forward (chunk
 * cumsum, chunk states, state passing, C·Bᵀ, chunk scan), and a backward that first recomputes the
 * forward's cumsum, C·Bᵀ, chunk states and state passing, then runs the gradient kernels
 * (state-spaces/mamba e9594ce `mamba_ssm/ops/triton/ssd_combined.py`, `_mamba_chunk_scan_combined_bwd`).
 *
 * - Backward FLOPs, per token and head (chunk c, state N, head dim P, groups ÷ heads g), counting
 *   each kernel's matmuls: recompute 2cN·g + 2NP + NP/c; dstates 2NP; state passing NP/c; dx
 *   2cP + 2NP; dB 2NP; dC 2NP; dCB 2cP; two C·Bᵀ backwards 4cN·g; ddA 2cP; together
 *   6cN·g + 10NP + 6cP + 4NP/c, against the forward's 2cN·g + 2cP + 4NP + NP/c (2.68× for
 *   Nemotron 3). An estimate from the source, not a profile.
 * - Speed: both directions at `forwardEfficiency` of the rank's dense BF16 peak
 *   (data/training/mamba-ssd-scan.yaml: the kernels' forward measured on an H100; assumed for the
 *   backward and, as a fraction of peak, on every chip).
 *
 * Training only (serving keeps the operator graph's GEMM timing).
 */
import { z } from "zod";
import { builtinDataOnce } from "../catalog/index.ts";
import {
  type LinearAttentionSpec,
  type ModelArchitecture,
  type Operator,
  SSD_CHUNK,
  ssdFlopsPerTokenHead,
} from "../model/index.ts";
import type { Device } from "../perf/index.ts";
import { inlineSourcedValueSchema } from "../spec/index.ts";

const fileSchema = z.strictObject({
  forwardEfficiency: inlineSourcedValueSchema(z.number().positive().max(1)),
});
export type MambaSsdScanData = z.output<typeof fileSchema>;

/** The built-in scan efficiency with its source (parsed once). */
export const mambaSsdScanData: () => MambaSsdScanData = builtinDataOnce(
  "training/mamba-ssd-scan.yaml",
  fileSchema,
);

/** The operator graph's name of the scan (`model/mamba2.ts`), and of its backward here. */
const SCAN = "lin.ssd";
const BACKWARD = `${SCAN}.backward`;

/**
 * Backward FLOPs of mamba_ssm's SSD over its forward FLOPs, recompute included.
 * @example ssdBackwardFlopsRatio(nemotron3Super.linearAttention) // ≈ 2.68
 */
export function ssdBackwardFlopsRatio(s: LinearAttentionSpec): number {
  const c = s.chunkSize ?? SSD_CHUNK;
  const n = s.keyHeadDim;
  const p = s.valueHeadDim;
  const g = s.numKeyHeads / s.numValueHeads;
  const backward = 6 * c * n * g + 10 * n * p + 6 * c * p + (4 * n * p) / c;
  return backward / ssdFlopsPerTokenHead(s);
}

/**
 * A Mamba-2 layer's operators as Megatron-Core trains them: the scan's dgrad and wgrad become one
 * backward of `ssdBackwardFlopsRatio` × its forward FLOPs. Other layers and models pass unchanged.
 * @example megatronSsdOps(backwardOps, nemotron3Super).some((o) => o.name === "lin.ssd.backward") // true
 */
export function megatronSsdOps(ops: Operator[], arch: ModelArchitecture): Operator[] {
  const spec = arch.linearAttention;
  if (spec?.kind !== "mamba2") return ops;
  const ratio = ssdBackwardFlopsRatio(spec);
  const out: Operator[] = [];
  for (const op of ops) {
    if (op.name.endsWith(`${SCAN}.wgrad`)) continue;
    if (!op.name.endsWith(`${SCAN}.dgrad`)) {
      out.push(op);
      continue;
    }
    // One op for the whole backward: the scan has no weights (nothing for a W pass to hold back).
    out.push({
      ...op,
      name: `${op.name.slice(0, -".dgrad".length)}.backward`,
      flops: op.flops * ratio,
      bytesWritten: { ...op.bytesWritten, weightGradients: 0 },
    });
  }
  return out;
}

/**
 * Seconds of the scan or its backward on a rank at the Triton kernels' efficiency; undefined for
 * any other operator.
 * @example mambaSsdScanS(scanOp, device) // scanOp.flops / (0.108 × BF16 peak)
 */
export function mambaSsdScanS(op: Operator, device: Device): number | undefined {
  if (!op.name.endsWith(SCAN) && !op.name.endsWith(BACKWARD)) return undefined;
  const peak = device.peakFlopsPerS.bf16?.value;
  if (peak === undefined) return undefined;
  return op.flops / (mambaSsdScanData().forwardEfficiency.value * peak);
}

/**
 * An engine release's device sampler for requests that ask for top-p (engine-file.ts `sampler`):
 * its kernel benchmark points per measured chip, with the chip figures perf/sampler-time.ts scales by.
 */

import { builtinCatalog } from "../catalog/index.ts";
import { type EngineSpec, SupernodeError } from "../spec/index.ts";
import type { EngineRelease } from "./engine-file.ts";

/** Kernel-benchmark points of a sampler on one chip, with the chip's figures the scaling reads. */
export interface SamplerCurve {
  readonly chipId: string;
  /** Measured time (s) for `batch` rows of `vocab` logits, ascending in `batch`. */
  readonly points: readonly { readonly batch: number; readonly vocab: number; readonly timeS: number }[];
  /** FP32 vector (non-tensor) peak of the chip (FLOP/s), undefined when its file lists none. */
  readonly fp32FlopsPerS?: number;
  /** HBM bandwidth of the chip (B/s). */
  readonly bandwidthBytesPerS: number;
}

/** A release's device sampler with top-p (perf/sampler-time.ts times it). */
export interface EngineSampler {
  readonly kind: "torch-sort" | "flashinfer";
  /** The top-p path measured per chip. */
  readonly measurements: readonly SamplerCurve[];
  /** The streaming passes of the rest of the sampling call, measured on one chip. */
  readonly rest?: SamplerCurve;
  /** The penalty pass, when the requests set penalties (engine.penalties) and the release records one. */
  readonly penalties?: { readonly bytesPerLogit: number; readonly kernels: number };
}

type SamplerCurveData = NonNullable<EngineRelease["sampler"]>["measurements"][number];

/** The release's sampler when the requests ask for top-p, with each measured chip's figures. */
export function samplerOf(release: EngineRelease, spec: EngineSpec): EngineSampler | undefined {
  const s = release.sampler;
  if (s === undefined || spec.sampling === undefined || spec.sampling === "greedy") return undefined;
  const curve = (c: SamplerCurveData, field: string): SamplerCurve => {
    let chip: ReturnType<ReturnType<typeof builtinCatalog>["chip"]>;
    try {
      chip = builtinCatalog().chip(c.chip);
    } catch {
      throw new SupernodeError(
        "invalid-value",
        `data/engines/${spec.name}.yaml release ${release.from}: sampler.${field}.chip "${c.chip}" is not a built-in chip id`,
        { fieldPath: ["engine", "sampling"] },
      );
    }
    const fp32 = chip.peakFlopsPerS.fp32?.value;
    return {
      chipId: chip.id,
      points: [...c.points]
        .sort((a, b) => a.batch - b.batch)
        .map((p) => ({ batch: p.batch, vocab: p.vocab, timeS: p.ms / 1e3 })),
      ...(fp32 !== undefined ? { fp32FlopsPerS: fp32 } : {}),
      bandwidthBytesPerS: chip.memory.bandwidthBytesPerS.value,
    };
  };
  return {
    kind: s.kind,
    measurements: s.measurements.map((m, i) => curve(m, `measurements[${i}]`)),
    ...(s.rest !== undefined ? { rest: curve(s.rest, "rest") } : {}),
    ...(spec.penalties === true && s.penalties !== undefined
      ? { penalties: { bytesPerLogit: s.penalties.bytesPerLogit, kernels: s.penalties.kernels } }
      : {}),
  };
}

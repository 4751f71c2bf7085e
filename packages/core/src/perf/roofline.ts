/**
 * The roofline report behind `supernode roofline`: every operator of one decoder layer of each
 * kind (dense, MoE) and of the model head, timed on one device with `operatorTime`, plus the
 * whole forward pass (layers × their count + head). Plain data for the CLI and the web app.
 */
import type { Chip, Dtype } from "../hardware/index.ts";
import {
  type LayerKind,
  type LayerOperatorOptions,
  layerGroups,
  layerOperators,
  type ModelArchitecture,
  type ModelWorkload,
  modelHeadOperators,
  type Operator,
  type OperatorClass,
} from "../model/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { computeDevice, type Device, supportedDtypes } from "./device.ts";
import { type EfficiencyProfile, efficiencyProfileForChip } from "./efficiency-profile.ts";
import { type OperatorTiming, operatorBytes, operatorTime } from "./operator-time.ts";

export type RooflineWorkload =
  | { readonly phase: "decode"; readonly batch: number; readonly kvLength: number }
  | { readonly phase: "prefill"; readonly batch: number; readonly tokens: number; readonly context: number };

export interface RooflineOptions {
  readonly workload: RooflineWorkload;
  /** Weight (and GEMM) format. Default: the model's native format, or bf16 if the chip lacks it. */
  readonly dtype?: Dtype;
  readonly dtypeMapping?: Readonly<Partial<Record<Dtype, Dtype>>>;
  /** Expert parallelism: routed experts spread over `ep` ranks with data-parallel attention. Default 1. */
  readonly ep?: number;
  /** Tensor parallelism of attention and dense FFN. Default 1. */
  readonly tp?: number;
}

export interface RooflineRow {
  readonly name: string;
  readonly class: OperatorClass;
  readonly flops: number;
  readonly bytes: number;
  /** FLOPs per byte moved. */
  readonly arithmeticIntensity: number;
  readonly timing: OperatorTiming;
}

export interface RooflineSection {
  readonly kind: LayerKind | "head";
  /** Layers of this kind in the model (1 for the head). */
  readonly count: number;
  readonly rows: readonly RooflineRow[];
  /** Time of one instance (one layer). */
  readonly timeS: number;
}

export interface RooflineReport {
  readonly model: string;
  readonly device: Device;
  readonly profile: Pick<EfficiencyProfile, "basis" | "files" | "description">;
  readonly workload: RooflineWorkload;
  readonly dtype: Dtype;
  readonly dtypeMapping: Readonly<Partial<Record<Dtype, Dtype>>>;
  readonly ep: number;
  readonly tp: number;
  /** Decisions taken for the user (defaulted format, …), to print. */
  readonly notes: readonly string[];
  readonly sections: readonly RooflineSection[];
  /** One forward pass: Σ count × section time. MTP modules are not included. */
  readonly forwardTimeS: number;
  /** Tokens processed per forward pass on this rank. */
  readonly tokens: number;
  /** Parameters that fell back to the default profile anywhere in the report. */
  readonly defaultedParameters: readonly string[];
}

/**
 * Times every operator of a model's layers on one device of `chip`.
 * @example rooflineReport(builtinModel("deepseek-v3"), chip, { workload: { phase: "decode", batch: 96, kvLength: 4096 }, dtype: "int8" }).forwardTimeS
 */
export function rooflineReport(
  arch: ModelArchitecture,
  chip: Chip,
  options: RooflineOptions,
): RooflineReport {
  const device = computeDevice(chip);
  const profile = efficiencyProfileForChip(chip);
  const mapping = options.dtypeMapping ?? {};
  const notes: string[] = [];
  const runnable = (d: Dtype) => device.peakFlopsPerS[mapping[d] ?? d] !== undefined;
  let dtype = options.dtype ?? arch.nativeDtype;
  if (options.dtype === undefined && !runnable(dtype)) {
    notes.push(
      `${chip.id} has no ${dtype} engine (the native format of ${arch.id}); running weights in bf16 instead. Pass --dtype or --map-dtype (e.g. fp8=int8) to choose.`,
    );
    dtype = "bf16";
  }
  if (!runnable(dtype))
    throw new SupernodeError(
      "unsupported",
      `chip ${chip.id} (${chip.name}) has no ${dtype} tensor engine; it supports ${supportedDtypes(device).join(", ")}. Choose one of those with --dtype, or map explicitly, e.g. --map-dtype ${dtype}=${supportedDtypes(device).includes("int8") ? "int8" : "bf16"}`,
      { fieldPath: ["dtype"] },
    );
  for (const [from, to] of Object.entries(mapping))
    notes.push(`${from} operators run as ${to} (explicit mapping).`);
  const ep = options.ep ?? 1;
  const tp = options.tp ?? 1;
  const workload = modelWorkload(options.workload);
  const tokens = options.workload.phase === "decode" ? options.workload.batch : options.workload.tokens;
  const shard = shardOptions(arch, dtype, ep, tp, tokens);
  if (shard.note !== undefined) notes.push(shard.note);
  const time = (ops: readonly Operator[]): RooflineRow[] =>
    ops.map((op) => {
      const bytes = operatorBytes(op);
      return {
        name: op.name,
        class: op.class,
        flops: op.flops,
        bytes,
        arithmeticIntensity: bytes > 0 ? op.flops / bytes : Number.POSITIVE_INFINITY,
        timing: operatorTime(op, device, profile, { dtypeMapping: mapping }),
      };
    });
  const sections: RooflineSection[] = [];
  for (const { kind, index, count } of layerGroups(arch)) {
    const rows = time(layerOperators(arch, index, workload, shard.options));
    sections.push({ kind, count, rows, timeS: sum(rows) });
  }
  const headRows = time(modelHeadOperators(arch, workload, shard.options));
  sections.push({ kind: "head", count: 1, rows: headRows, timeS: sum(headRows) });
  const defaulted = new Set<string>();
  for (const section of sections)
    for (const row of section.rows) for (const p of row.timing.defaultedParameters) defaulted.add(p);
  return {
    model: arch.id,
    device,
    profile: { basis: profile.basis, files: profile.files, description: profile.description },
    workload: options.workload,
    dtype,
    dtypeMapping: mapping,
    ep,
    tp,
    notes,
    sections,
    forwardTimeS: sections.reduce((acc, s) => acc + s.count * s.timeS, 0),
    tokens,
    defaultedParameters: [...defaulted].sort(),
  };
}

function sum(rows: readonly RooflineRow[]): number {
  return rows.reduce((acc, row) => acc + row.timing.timeS, 0);
}

function modelWorkload(w: RooflineWorkload): ModelWorkload {
  switch (w.phase) {
    case "decode":
      return { phase: "decode", sequences: w.batch, kvTokens: w.batch * w.kvLength };
    case "prefill": {
      // `batch` sequences of `tokens / batch` new tokens each, after `context` cached tokens each.
      const perSequence = w.batch > 0 ? w.tokens / w.batch : 0;
      const pairs = w.batch * perSequence * (w.context + (perSequence + 1) / 2);
      return {
        phase: "prefill",
        sequences: w.batch,
        newTokens: w.tokens,
        attendedTokenPairs: pairs,
        contextTokens: w.batch * w.context,
      };
    }
    default: {
      const unreachable: never = w;
      return unreachable;
    }
  }
}

/** Shard of one rank: with EP over `ep` ranks (data-parallel attention), each rank holds E/ep experts, each receiving ep × tokens × topK / E tokens. */
function shardOptions(
  arch: ModelArchitecture,
  dtype: Dtype,
  ep: number,
  tp: number,
  tokens: number,
): { options: LayerOperatorOptions; note?: string } {
  const base: LayerOperatorOptions = { weightDtype: dtype, attentionTp: tp, ffnTp: tp };
  const moe = arch.moe;
  if (moe === undefined || ep === 1) return { options: base };
  if (!Number.isInteger(ep) || ep < 1 || moe.numRoutedExperts % ep !== 0)
    throw new SupernodeError(
      "infeasible",
      `--ep ${ep} does not divide the ${moe.numRoutedExperts} routed experts of ${arch.id}`,
      { fieldPath: ["ep"] },
    );
  const localExperts = moe.numRoutedExperts / ep;
  const tokensPerLocalExpert = (ep * tokens * moe.topK) / moe.numRoutedExperts;
  return {
    options: { ...base, localExperts, tokensPerLocalExpert },
    note: `EP${ep}: ${localExperts} routed expert(s) per rank, ${tokensPerLocalExpert.toFixed(1)} tokens each (uniform routing, data-parallel attention).`,
  };
}

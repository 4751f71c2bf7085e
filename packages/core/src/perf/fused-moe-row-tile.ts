/**
 * The row tile (BLOCK_SIZE_M) of an engine's Triton fused-MoE call, as the engine picks it: the
 * tuned config file it ships for (device, local experts, intermediate slice, weight format) at the
 * scenario's release — the entry whose token-count key is nearest the call's tokens — else its
 * default-config rule at that release (`data/efficiency/kernel-configs/<engine>-fused-moe.yaml`,
 * schema `fused-moe-config-file.ts`). vLLM's `moe_align_block_size` pads every expert's rows to a
 * multiple of this tile and both expert GEMMs run with it, so the grouped GEMM's row tile is it
 * (`gemm-efficiency.ts`). Applies where an engine overlay's grouped-GEMM class sets
 * `tileMFromKernelConfigs` (`engine-overlay.ts` attaches the resolved table).
 */
import { embeddedDataFiles } from "../catalog/index.ts";
import type { Dtype } from "../hardware/index.ts";
import type { QuantScheme } from "../model/index.ts";
import { SupernodeError } from "../spec/index.ts";
import {
  type FusedMoeDefaults,
  type FusedMoeRuleStep,
  fusedMoeConfigPath,
  readFusedMoeConfigFile,
  shapeKey,
} from "./fused-moe-config-file.ts";
import { coversRelease } from "./release-range.ts";

/** An engine's fused-MoE row tiles on one chip at one release, resolved from its config file. */
export interface FusedMoeRowTiles {
  readonly file: string;
  /** The engine's name for the chip (its config files' `device_name`); absent: none recorded. */
  readonly device?: string;
  readonly defaults: FusedMoeDefaults;
  /** Tuned files shipped at the release on this device: file name → [token key, BLOCK_SIZE_M], keys ascending. */
  readonly tuned: ReadonlyMap<string, ReadonlyArray<readonly [number, number]>>;
}

/** What a fused-MoE call looks its tile up by. */
export interface FusedMoeCall {
  /** Tokens the call is given (vLLM's `M`: hidden_states rows). */
  readonly tokens: number;
  /** The rank's experts (`E`). */
  readonly localExperts: number;
  /** An expert's intermediate slice on the rank (`N`, w2's width). */
  readonly intermediate: number;
  /** The GEMMs' math format and the weights' scheme. */
  readonly dtype: Dtype;
  readonly scheme?: QuantScheme;
}

const resolved = new WeakMap<object, Map<string, FusedMoeRowTiles>>();

/**
 * The row tiles of `engine`'s fused-MoE kernel on chip `chipId` at `version` (undefined: the newest
 * release); refuses a release no default rule of the file covers.
 * @example fusedMoeRowTiles("vllm", "h200-sxm", "0.18.0").device // "NVIDIA_H200"
 */
export function fusedMoeRowTiles(
  engine: string,
  chipId: string,
  version: string | undefined,
  files: Readonly<Record<string, string>> = embeddedDataFiles,
): FusedMoeRowTiles {
  let byKey = resolved.get(files);
  if (byKey === undefined) {
    byKey = new Map();
    resolved.set(files, byKey);
  }
  const key = `${engine}|${chipId}|${version ?? ""}`;
  const hit = byKey.get(key);
  if (hit !== undefined) return hit;
  const path = fusedMoeConfigPath(engine);
  const file = readFusedMoeConfigFile(path, files);
  const defaults = file.defaults.find((d) => coversRelease(d, version));
  if (defaults === undefined)
    throw new SupernodeError(
      "invalid-value",
      `data/${path} has no default-config rule for ${version === undefined ? "the newest release (the scenario names none)" : `release ${version}`}: its defaults cover ${file.defaults.map((d) => `${d.releases.from} <= release${d.releases.until === undefined ? "" : ` < ${d.releases.until}`}`).join("; ")}`,
      { file: `data/${path}`, fieldPath: ["engine", "version"] },
    );
  const device = file.devices.find((d) => d.chip === chipId)?.name;
  const tuned = new Map<string, Array<readonly [number, number]>>();
  for (const t of file.tuned)
    if (device !== undefined && t.device === device && coversRelease(t, version))
      tuned.set(
        shapeKey(t),
        Object.entries(t.blockM)
          .map(([k, m]) => [Number(k), m] as const)
          .sort((a, b) => a[0] - b[0]),
      );
  const tiles: FusedMoeRowTiles = { file: path, ...(device !== undefined && { device }), defaults, tuned };
  byKey.set(key, tiles);
  return tiles;
}

/**
 * The call's BLOCK_SIZE_M: the nearest key of a shipped tuned file (a tie goes to the smaller key,
 * listed first), else the release's default rule; undefined for a weight format the kernel's
 * config lookup does not describe here (4-bit weight-only, NVFP4, MXFP4), where the class's own row
 * tile stands.
 * @example fusedMoeRowTile(fusedMoeRowTiles("vllm", "h200-sxm", "0.18.0"), { tokens: 128, localExperts: 32, intermediate: 1536, dtype: "fp8", scheme: "block-128x128" }) // 64
 */
export function fusedMoeRowTile(tiles: FusedMoeRowTiles, call: FusedMoeCall): number | undefined {
  const weights = configWeights(call.dtype, call.scheme);
  if (weights === undefined) return undefined;
  const entries = tunedEntries(tiles, call, weights);
  if (entries !== undefined) return nearestKey(entries, call.tokens);
  return defaultStep(tiles, call, weights).blockM;
}

/**
 * The weight stream (fraction of HBM bandwidth) of the call's kernel config where the engine's data
 * measured one: 16-bit weights on a default-rule step that carries `memoryEfficiency16Bit`; undefined
 * for a shipped tuned config, any other format or a step without it (the class's stream stands).
 * @example fusedMoeStreamEfficiency(fusedMoeRowTiles("vllm", "h100-sxm", "0.11.1"), { tokens: 64, localExperts: 16, intermediate: 1536, dtype: "bf16" }) // the 64-row default's
 */
export function fusedMoeStreamEfficiency(tiles: FusedMoeRowTiles, call: FusedMoeCall): number | undefined {
  if (call.dtype !== "bf16" && call.dtype !== "fp16") return undefined;
  const weights = configWeights(call.dtype, call.scheme);
  if (weights === undefined || tunedEntries(tiles, call, weights) !== undefined) return undefined;
  return defaultStep(tiles, call, weights).memoryEfficiency16Bit?.value;
}

type ConfigWeights = { dtype?: "fp8_w8a8"; blockShape?: readonly [number, number] };

/** The shipped tuned file's [token key, BLOCK_SIZE_M] entries for the call's shape; undefined: none ships. */
function tunedEntries(
  tiles: FusedMoeRowTiles,
  call: FusedMoeCall,
  weights: ConfigWeights,
): ReadonlyArray<readonly [number, number]> | undefined {
  if (tiles.device === undefined) return undefined;
  return tiles.tuned.get(
    shapeKey({
      device: tiles.device,
      experts: call.localExperts,
      intermediate: call.intermediate,
      ...weights,
    }),
  );
}

/** The release's default-rule step for the call (block-FP8 rule or the other formats'). */
function defaultStep(tiles: FusedMoeRowTiles, call: FusedMoeCall, weights: ConfigWeights): FusedMoeRuleStep {
  const steps = weights.blockShape !== undefined ? tiles.defaults.blockQuantFp8 : tiles.defaults.other;
  return ruleStep(steps, call.tokens, call.localExperts);
}

/** vLLM's config-name fields for a format: `dtype=fp8_w8a8` for FP8 math, a block shape for block scales, none for 16-bit. */
function configWeights(dtype: Dtype, scheme: QuantScheme | undefined): ConfigWeights | undefined {
  if (dtype === "fp8") {
    if (scheme === "block-128x128") return { dtype: "fp8_w8a8", blockShape: [128, 128] };
    if (scheme === undefined || scheme === "none" || scheme === "per-tensor" || scheme === "per-channel")
      return { dtype: "fp8_w8a8" };
    return undefined;
  }
  if ((dtype === "bf16" || dtype === "fp16") && (scheme === undefined || scheme === "none")) return {};
  return undefined;
}

function nearestKey(entries: ReadonlyArray<readonly [number, number]>, tokens: number): number {
  let best = entries[0] as readonly [number, number];
  for (const entry of entries) if (Math.abs(entry[0] - tokens) < Math.abs(best[0] - tokens)) best = entry;
  return best[1];
}

function ruleStep(steps: readonly FusedMoeRuleStep[], tokens: number, experts: number): FusedMoeRuleStep {
  for (const step of steps) {
    const byTokens = step.upToTokens === undefined || tokens <= step.upToTokens;
    const byExperts = step.upToTokensPerExpert === undefined || tokens <= step.upToTokensPerExpert * experts;
    if (byTokens && byExperts) return step;
  }
  return steps[steps.length - 1] as FusedMoeRuleStep;
}

/**
 * `supernode model <id|path/to/config.json> [--json] [--weights-dtype fp8] [--kv-dtype bf16]`:
 * architecture summary, parameter counts (total, activated, MTP, embedding) beside the published
 * figures with our relative error, weight bytes per dtype (scales included) split by component,
 * and KV-cache bytes per token.
 */
import { existsSync } from "node:fs";
import {
  builtinModel,
  checkpointWeightFormats,
  countParameters,
  DTYPES,
  type Dtype,
  fullAttentionLayers,
  HYBRID_BLOCKS,
  kvBytesPerToken,
  kvBytesPerTokenPerLayer,
  layerArchitecture,
  layerKinds,
  linearStateBytesPerSequence,
  type ModelArchitecture,
  type PublishedCount,
  parseHfConfig,
  SupernodeError,
  sharesTopK,
  weightBytes,
} from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { readText } from "../output/files.ts";
import { formatReport, SHOWN_DTYPES } from "./model-render.ts";

interface ModelFlags {
  json?: boolean;
  weightsDtype?: string;
  kvDtype: string;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("model")
    .description("architecture, parameters, weight bytes per dtype and KV bytes per token of a model")
    .argument(
      "<model>",
      "model zoo id (e.g. deepseek-v3, kimi-k2, llama-3.1-405b) or a Hugging Face config.json path",
    )
    .option("--json", "print the report as JSON")
    .option(
      "--weights-dtype <dtype>",
      `weight format for the component split (${DTYPES.join(", ")}); default the checkpoint's`,
    )
    .option("--kv-dtype <dtype>", "KV-cache format", "bf16")
    .action((model: string, flags: ModelFlags) => {
      const arch = loadModel(model);
      const report = modelReport(
        arch,
        parseDtype(flags.weightsDtype ?? arch.nativeDtype, "--weights-dtype"),
        parseDtype(flags.kvDtype, "--kv-dtype"),
        flags.weightsDtype === undefined,
      );
      io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(arch, report));
    });
}

/**
 * The model report of a zoo model as `supernode model <id>` prints it (checkpoint formats, BF16 KV),
 * for `supernode show <model id>`.
 */
export function showModel(arch: ModelArchitecture, json: boolean): string {
  const report = modelReport(arch, arch.nativeDtype, "bf16", true);
  return json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(arch, report);
}

/** A zoo id, or a config file read from disk and parsed by core. */
export function loadModel(argument: string): ModelArchitecture {
  if (existsSync(argument)) return parseHfConfig(readText(argument, "the model config"), argument);
  if (/[\\/]|\.(json|ya?ml)$/i.test(argument))
    throw new SupernodeError(
      "usage",
      `model file ${argument} does not exist (expected a zoo id or a config.json path)`,
    );
  return builtinModel(argument);
}

function parseDtype(text: string, flag: string): Dtype {
  const dtype = DTYPES.find((d) => d === text.toLowerCase());
  if (dtype === undefined)
    throw new SupernodeError("usage", `${flag} must be one of ${DTYPES.join(", ")}, got "${text}"`);
  return dtype;
}

function compare(ours: number, published: PublishedCount | undefined) {
  if (published === undefined) return { ours };
  return {
    ours,
    published: published.value,
    relativeError: (ours - published.value) / published.value,
    source: published.source,
  };
}

function modelReport(arch: ModelArchitecture, weightsDtype: Dtype, kvDtype: Dtype, asCheckpoint = false) {
  const params = countParameters(arch);
  const kinds = layerKinds(arch);
  const hybrid = arch.hybridBlocks;
  const published = arch.published;
  const perDtype = Object.fromEntries(
    SHOWN_DTYPES.map((d) => {
      const b = weightBytes(arch, d);
      return [
        d,
        { scheme: b.format.scheme, total: b.total, mtp: b.mtp, withMtp: b.withMtp, scaleBytes: b.scaleBytes },
      ];
    }),
  );
  // Without --weights-dtype: the checkpoint as published, mixed formats included (gpt-oss, FP4 presets).
  const selected = weightBytes(
    arch,
    weightsDtype,
    asCheckpoint ? { components: checkpointWeightFormats(arch) } : {},
  );
  return {
    id: arch.id,
    name: arch.name,
    family: arch.family,
    source: arch.source,
    architecture: arch,
    layers: {
      total: arch.numLayers,
      dense: kinds.filter((k) => k === "dense").length,
      moe: kinds.filter((k) => k === "moe").length,
      mtpModules: arch.mtpModules,
      ...(hybrid !== undefined && {
        blocks: Object.fromEntries(HYBRID_BLOCKS.map((b) => [b, hybrid.filter((x) => x === b).length])),
      }),
    },
    parameters: {
      total: compare(params.total, published?.totalParams),
      activatedPerToken: compare(
        published?.activatedParams?.includesEmbedding === true
          ? params.activatedWithEmbedding
          : params.activatedPerToken,
        published?.activatedParams,
      ),
      mtp: compare(params.mtp, published?.mtpParams),
      counts: params,
    },
    weightBytes: { byDtype: perDtype, asCheckpoint, selected: { dtype: weightsDtype, ...selected } },
    kvCache: {
      dtype: kvDtype,
      bytesPerTokenPerLayer: kvBytesPerTokenPerLayer(arch, kvDtype),
      // Linear-attention layers keep no per-token cache: their fixed state is reported per sequence.
      bytesPerToken:
        arch.linearAttention === undefined
          ? kvBytesPerToken(arch, kvDtype)
          : kvBytesPerTokenPerLayer(arch, kvDtype) * fullAttentionLayers(arch),
      layers: arch.linearAttention === undefined ? arch.numLayers : fullAttentionLayers(arch),
      ...(arch.linearAttention !== undefined
        ? {
            linearLayers: arch.linearAttention.layers.length,
            linearStateBytesPerSequence: linearStateBytesPerSequence(arch, "bf16"),
          }
        : {}),
      ...(arch.attention.kind === "mla" && arch.attention.compressed !== undefined
        ? {
            compressedWindow: arch.attention.compressed.window,
            compressRatios: arch.attention.compressed.ratios,
            bytesPerTokenAt8k: kvBytesPerToken(arch, kvDtype, { contextTokens: 8192 }),
            bytesPerTokenAt1m: kvBytesPerToken(arch, kvDtype, { contextTokens: 1_048_576 }),
          }
        : {}),
      ...sharedTopKKv(arch, kvDtype),
      ...(arch.slidingWindow !== undefined
        ? {
            slidingWindow: arch.slidingWindow.size,
            windowedLayers: arch.slidingWindow.layers.length,
            bytesPerTokenAt8k: kvBytesPerToken(arch, kvDtype, { contextTokens: 8192 }),
            ...(arch.slidingWindow.attention !== undefined && arch.slidingWindow.layers[0] !== undefined
              ? {
                  windowedBytesPerTokenPerLayer: kvBytesPerTokenPerLayer(
                    layerArchitecture(arch, arch.slidingWindow.layers[0]),
                    kvDtype,
                  ),
                }
              : {}),
          }
        : {}),
    },
  };
}

export type ModelReport = ReturnType<typeof modelReport>;

/** GLM-5.2's shared-indexer layers: how many, and their cache entry (no indexer keys). */
function sharedTopKKv(arch: ModelArchitecture, kvDtype: Dtype) {
  const layers = Array.from({ length: arch.numLayers }, (_, i) => i).filter((i) => sharesTopK(arch, i));
  const first = layers[0];
  if (first === undefined) return {};
  const perLayer = kvBytesPerTokenPerLayer(layerArchitecture(arch, first), kvDtype);
  return { sharedTopKLayers: layers.length, sharedTopKBytesPerTokenPerLayer: perLayer };
}

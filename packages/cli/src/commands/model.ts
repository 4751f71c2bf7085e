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
  WEIGHT_COMPONENTS,
  weightBytes,
} from "@supernode/core";
import Table from "cli-table3";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { readText } from "../output/files.ts";

interface ModelFlags {
  json?: boolean;
  weightsDtype?: string;
  kvDtype: string;
}

const SHOWN_DTYPES: readonly Dtype[] = ["bf16", "fp8", "int8", "fp4"];

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

type Report = ReturnType<typeof modelReport>;

/** GLM-5.2's shared-indexer layers: how many, and their cache entry (no indexer keys). */
function sharedTopKKv(arch: ModelArchitecture, kvDtype: Dtype) {
  const layers = Array.from({ length: arch.numLayers }, (_, i) => i).filter((i) => sharesTopK(arch, i));
  const first = layers[0];
  if (first === undefined) return {};
  const perLayer = kvBytesPerTokenPerLayer(layerArchitecture(arch, first), kvDtype);
  return { sharedTopKLayers: layers.length, sharedTopKBytesPerTokenPerLayer: perLayer };
}

function table(head: string[]): Table.Table {
  return new Table({
    head,
    colAligns: head.map((_, i) => (i === 0 ? "left" : "right")),
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
}

const billions = (n: number) => `${(n / 1e9).toFixed(2)} B`;
const gigabytes = (n: number) => `${(n / 1e9).toFixed(1)} GB`;
const percent = (x: number | undefined) =>
  x === undefined ? "" : `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}%`;

function gqaText(a: Extract<ModelArchitecture["attention"], { kind: "gqa" }>): string {
  const dims = a.vHeadDim !== undefined ? `${a.headDim} (values ${a.vHeadDim})` : `${a.headDim}`;
  return `${a.numKvHeads === a.numHeads ? "MHA" : "GQA"}: ${a.numHeads} query / ${a.numKvHeads} KV heads of ${dims}${a.valueFromKey === true ? ", values from k_proj" : ""}${a.qkNorm === true ? ", q/k norm" : ""}${a.qkvBias === true ? ", qkv bias" : ""}${a.outputBias === true ? ", o bias" : ""}${a.sinks === true ? ", attention sinks" : ""}`;
}

function architectureLines(arch: ModelArchitecture, r: Report): string[] {
  const a = arch.attention;
  const lines = [
    `layers ${r.layers.total} (${r.layers.blocks !== undefined ? `single-mixer blocks: ${r.layers.blocks.mamba} Mamba-2, ${r.layers.blocks.attention} attention, ${r.layers.blocks.moe} MoE, ${r.layers.blocks.mlp} MLP` : `${r.layers.dense} dense, ${r.layers.moe} MoE`})${arch.mtpModules > 0 ? ` + ${arch.mtpModules} MTP module(s)` : ""}; hidden ${arch.hiddenSize}; vocab ${arch.vocabSize}; ${arch.tiedEmbeddings ? "tied" : "untied"} embeddings`,
    a.kind === "mla"
      ? `attention MLA: ${a.numHeads} heads, q_lora ${a.qLoraRank ?? "none"}, kv_lora ${a.kvLoraRank}, nope ${a.qkNopeHeadDim}, rope ${a.qkRopeHeadDim}, v ${a.vHeadDim}`
      : `attention ${gqaText(a)}${arch.slidingWindow !== undefined ? `; ${arch.slidingWindow.layers.length} of ${arch.numLayers} layers use a ${arch.slidingWindow.size}-token sliding window` : ""}`,
  ];
  // Windowed layers with their own shape (Gemma 4, MiMo-V2-Flash): the line above is the full layers'.
  const own = arch.slidingWindow?.attention;
  if (own !== undefined && own.kind === "gqa") lines.push(`  the sliding-window layers: ${gqaText(own)}`);
  if (r.layers.dense > 0) lines.push(`dense FFN (SwiGLU) width ${arch.denseIntermediateSize}`);
  const m = arch.moe;
  if (m !== undefined && r.layers.moe > 0)
    lines.push(
      `MoE ${m.numRoutedExperts} routed experts (top-${m.topK})${m.numSharedExperts > 0 ? ` + ${m.numSharedExperts} shared` : ""}, expert width ${m.expertIntermediateSize}${m.numExpertGroups > 1 ? `, ${m.numExpertGroups} groups (top-${m.topKGroups})` : ""}`,
    );
  const z = m?.zeroExperts;
  if (z !== undefined)
    lines.push(
      `  + ${z.count} zero-computation experts: ${z.slots} picks per token, ${m?.topK} of them routed on average`,
    );
  lines.push(`checkpoint ${arch.nativeDtype}; max positions ${arch.maxPositionEmbeddings}`);
  return lines;
}

function formatReport(arch: ModelArchitecture, r: Report): string {
  const out: string[] = [`${arch.name} (${arch.id}), ${arch.family}`, `config: ${arch.source}`, ""];
  out.push(...architectureLines(arch, r).map((l) => `  ${l}`), "");
  const params = table(["parameters", "ours", "published", "error"]);
  const c = r.parameters.counts;
  const row = (label: string, x: { ours: number; published?: number; relativeError?: number }) =>
    params.push([
      label,
      billions(x.ours),
      x.published === undefined ? "" : billions(x.published),
      percent(x.relativeError),
    ]);
  row("total (main model)", r.parameters.total);
  row("activated per token", r.parameters.activatedPerToken);
  if (arch.mtpModules > 0) row("MTP modules (unique)", r.parameters.mtp);
  row("embedding", { ours: c.embedding });
  row("LM head", { ours: c.lmHead });
  out.push(params.toString(), "");
  const weights = table(["weights", ...SHOWN_DTYPES]);
  const by = r.weightBytes.byDtype;
  weights.push(["scheme", ...SHOWN_DTYPES.map((d) => by[d]?.scheme ?? "")]);
  weights.push(["main model", ...SHOWN_DTYPES.map((d) => gigabytes(by[d]?.total ?? 0))]);
  if (arch.mtpModules > 0)
    weights.push(["with MTP", ...SHOWN_DTYPES.map((d) => gigabytes(by[d]?.withMtp ?? 0))]);
  out.push(weights.toString(), "");
  const sel = r.weightBytes.selected;
  const mixed = Object.entries(arch.checkpointComponents ?? {}).map(
    ([c, f]) => `${c} ${f.dtype} (${f.scheme})`,
  );
  const title =
    r.weightBytes.asCheckpoint && mixed.length > 0
      ? `checkpoint: ${sel.dtype} (${sel.format.scheme}); ${mixed.join(", ")}`
      : `${sel.dtype} (${sel.format.scheme}) by component`;
  const split = table([title, "bytes"]);
  for (const component of WEIGHT_COMPONENTS)
    if (sel.byComponent[component] > 0) split.push([component, gigabytes(sel.byComponent[component])]);
  out.push(split.toString(), "");
  const kv = r.kvCache;
  out.push(
    `KV cache (${kv.dtype}): ${kv.bytesPerTokenPerLayer.toLocaleString("en-US")} B per token per layer, ${(kv.bytesPerToken / 1e3).toFixed(1)} kB per token (${kv.layers} layers)`,
  );
  if (kv.linearLayers !== undefined)
    out.push(
      `  ${kv.linearLayers} ${arch.linearAttention?.kind === "mamba2" ? "Mamba-2" : "linear-attention"} layers keep a fixed state instead: ${((kv.linearStateBytesPerSequence ?? 0) / 1e6).toFixed(1)} MB per sequence (FP32 recurrent state, BF16 convolution state)`,
    );
  if (kv.compressRatios !== undefined) {
    const n = (r: number) => kv.compressRatios?.filter((x) => x === r).length ?? 0;
    out.push(
      `  compressed attention: ${n(4)} layers ratio 4 (indexed top-k), ${n(128)} ratio 128, ${n(0)} window only; every layer keeps its last ${kv.compressedWindow} tokens; ${((kv.bytesPerTokenAt8k ?? 0) / 1e3).toFixed(1)} kB per token at 8,192 tokens, ${((kv.bytesPerTokenAt1m ?? 0) / 1e3).toFixed(2)} kB at 1,048,576 (FP8 indexer keys; the first line is the bound up to the window)`,
    );
  }
  if (kv.sharedTopKLayers !== undefined)
    out.push(
      `  ${kv.sharedTopKLayers} layers reuse an earlier layer's indexer top-k and keep no indexer keys (${kv.sharedTopKBytesPerTokenPerLayer?.toLocaleString("en-US")} B per token per layer; the figure above is the indexer layers')`,
    );
  if (kv.slidingWindow !== undefined)
    out.push(
      `  ${kv.windowedLayers} layers keep a ${kv.slidingWindow}-token sliding window${kv.windowedBytesPerTokenPerLayer !== undefined ? ` (${kv.windowedBytesPerTokenPerLayer.toLocaleString("en-US")} B per token per layer; the figure above is the full layers')` : ""}: ${((kv.bytesPerTokenAt8k ?? 0) / 1e3).toFixed(1)} kB per token at an 8,192-token context`,
    );
  const sources = [
    arch.published?.totalParams,
    arch.published?.activatedParams,
    arch.published?.mtpParams,
  ].filter((p): p is PublishedCount => p !== undefined);
  if (sources.length > 0)
    out.push("", "published figures:", ...sources.map((p) => `  ${billions(p.value)}: ${p.source}`));
  if (arch.notes !== undefined && arch.notes.length > 0)
    out.push("", "notes:", ...arch.notes.map((n) => `  - ${n}`));
  return `${out.join("\n")}\n`;
}

/** The text of `supernode model`'s report: architecture lines, parameter and weight tables, KV bytes. */
import { type Dtype, type ModelArchitecture, type PublishedCount, WEIGHT_COMPONENTS } from "@supernode/core";
import Table from "cli-table3";
import type { ModelReport } from "./model.ts";

export const SHOWN_DTYPES: readonly Dtype[] = ["bf16", "fp8", "int8", "fp4"];

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

function architectureLines(arch: ModelArchitecture, r: ModelReport): string[] {
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
  if (m !== undefined && r.layers.moe > 0) {
    lines.push(
      `MoE ${m.numRoutedExperts} routed experts (top-${m.topK})${m.numSharedExperts > 0 ? ` + ${m.numSharedExperts} shared` : ""}, expert width ${m.expertIntermediateSize}${m.numExpertGroups > 1 ? `, ${m.numExpertGroups} groups (top-${m.topKGroups})` : ""}`,
    );
    const z = m.zeroExperts;
    if (z !== undefined)
      lines.push(
        `  + ${z.count} zero-computation experts: ${z.slots} picks per token, ${m.topK} of them routed on average`,
      );
  }
  lines.push(`checkpoint ${arch.nativeDtype}; max positions ${arch.maxPositionEmbeddings}`);
  return lines;
}

export function formatReport(arch: ModelArchitecture, r: ModelReport): string {
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

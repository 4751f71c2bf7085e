/**
 * `supernode estimate <scenario.yaml> [--json] [--hardware extra.yaml] [--set key=value] [--map-dtype from=to]
 * [--operators]`: the step model at the scenario's operating point — prefill and decode step time
 * with a per-layer breakdown (per operator group and per microbatch stream), TPOT, TTFT, tokens/s
 * per chip and per instance, memory per chip and the bound, and beside each result the nearest
 * published reference case with the model's error there and its label. Values from default
 * efficiency profiles are flagged. A deployment that does not divide or fit fails with a one-paragraph error.
 */
import {
  type DecodeEstimate,
  describePrecision,
  type Estimate,
  type EstimateEnergy,
  estimate,
  estimateEnergy,
  type LayerStep,
  type NearestReference,
  nearestReferences,
  OPERATOR_GROUPS,
  type OperatorGroup,
  type PhaseEstimate,
  type PrefillEstimate,
  parseOverride,
  parseScenario,
  tableReferenceCandidates,
} from "@supernode/core";
import Table from "cli-table3";
import type { Command } from "commander";
import { builtReferenceTable } from "../build-assets.ts";
import type { CliIo } from "../cli-io.ts";
import { parseDtypeMapping } from "../output/dtype-mapping.ts";
import { assumptionLines, energyLine } from "../output/energy-text.ts";
import { disaggregatedLines, offlineLines, stepExtraLines } from "../output/estimate-extras.ts";
import { collect, modelConfigReader, readText } from "../output/files.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { enUs } from "../output/locale-number.ts";
import { referenceLines } from "../output/reference-text.ts";
import { renderJson } from "../output/render.ts";

interface EstimateFlags {
  json?: boolean;
  hardware: string[];
  set: string[];
  mapDtype: string[];
  operators?: boolean;
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("estimate")
    .description(
      "step time, TPOT, TTFT, tokens/s per chip, memory and bound of a scenario (per-layer breakdown)",
    )
    .argument("<scenario>", "scenario file (YAML or JSON); see docs/scenario.md and examples/")
    .option("--json", "print the estimate as JSON (SI units)")
    .option(
      "--set <key=value>",
      "override a scenario field, e.g. deployment.decode.batchPerChip=64 (repeatable)",
      collect,
      [],
    )
    .option(
      "--map-dtype <from=to>",
      "run one format as another, e.g. fp4=int8 or fp8=int8 on the Ascend 910C (repeatable)",
      collect,
      [],
    )
    .option("--operators", "also print every operator of one MoE layer (per microbatch)");
  addHardwareOption(command).action((file: string, flags: EstimateFlags) => {
    const text = readText(file, "scenario file");
    const scenario = parseScenario(text, file, loadCatalog(flags), {
      overrides: flags.set.map(parseOverride),
      dtypeMapping: parseDtypeMapping(flags.mapDtype),
      readFile: modelConfigReader(file),
    });
    const result = estimate(scenario);
    const energy = estimateEnergy(scenario, result);
    let reference: NearestReference[] = [];
    let referenceFailure: string | undefined;
    try {
      const table = builtReferenceTable();
      reference = nearestReferences(
        scenario,
        result,
        table === undefined ? undefined : tableReferenceCandidates(table),
      );
    } catch (error) {
      referenceFailure = error instanceof Error ? error.message : String(error);
    }
    io.stdout.write(
      flags.json === true
        ? renderJson({
            ...result,
            energy,
            reference,
            ...(referenceFailure !== undefined ? { referenceFailure } : {}),
          })
        : `${renderEstimate(result, flags.operators === true)}${referenceLines(reference, referenceFailure).join("\n")}\n\n${renderEnergy(energy)}`,
    );
  });
}

const us = (s: number) => `${enUs(s * 1e6, 0)} µs`;
const ms = (s: number) => `${enUs(s * 1e3, 2)} ms`;
const gb = (b: number) => (b < 1e9 ? `${enUs(b / 1e6, 0)} MB` : `${enUs(b / 1e9, 1)} GB`);
const num = (x: number) => enUs(x, 0);
const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

const GROUP_LABELS: Readonly<Record<OperatorGroup, string>> = {
  norms: "norms",
  attention: "attention",
  "attention-comm": "attn TP/SP comm",
  "moe-gate": "MoE gate",
  dispatch: "dispatch",
  experts: "expert GEMMs",
  "shared-experts": "shared expert",
  combine: "combine",
  "dense-ffn": "dense FFN",
  "ffn-comm": "FFN TP comm",
};

function table(head: string[]): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
}

function layerTable(layers: readonly LayerStep[]): string {
  const used = OPERATOR_GROUPS.filter((g) => layers.some((l) => (l.timing.byGroup[g] ?? 0) > 0));
  const t = table([
    "layer",
    "×",
    "slowest rank",
    ...used.map((g) => GROUP_LABELS[g]),
    "launch (in ops)",
    "layer time",
  ]);
  for (const l of layers) {
    let launch = 0;
    for (const item of l.timing.items) launch += item.overheadS * l.timing.microbatches;
    t.push([
      layerLabel(l),
      String(l.count),
      l.slowestRank,
      ...used.map((g) => us(l.timing.byGroup[g] ?? 0)),
      us(launch),
      us(l.timing.layerS),
    ]);
  }
  return t.toString();
}

function streamLines(layers: readonly LayerStep[]): string[] {
  const out: string[] = [];
  for (const l of layers) {
    const streams = l.timing.streams;
    if (streams === undefined) continue;
    const parts = streams.map(
      (s) => `${s.name} ${us(s.timeS)} (alone ${us(s.aloneS)}, compute share ${s.computeShare.toFixed(2)})`,
    );
    out.push(
      `  ${l.kind} layer, per microbatch: ${parts.join(" · ")}; ${l.timing.microbatches} microbatches → ${us(l.timing.layerS)} per layer`,
    );
  }
  return out;
}

function operatorTable(layer: LayerStep): string {
  const t = table(["operator", "group", "time", "bound", "GFLOP", "MB"]);
  for (const item of layer.timing.items)
    t.push([
      item.name,
      item.group,
      us(item.timeS),
      item.bound,
      (item.flops / 1e9).toFixed(2),
      (item.bytes / 1e6).toFixed(1),
    ]);
  return t.toString();
}

function memoryLines(p: PhaseEstimate): string[] {
  const m = p.memory;
  const r = m.perRank;
  const perRank = m.ranksPerChip > 1;
  const t = table(
    perRank ? ["memory", "per chip", `per rank (${m.ranksPerChip} per chip)`] : ["memory", "per chip"],
  );
  const rows: Array<[string, number, number]> = [
    ["weights", m.weightsBytes, r.weightsBytes],
    ["KV cache", m.kvCacheBytes, r.kvCacheBytes],
    ["communication buffers", m.communicationBuffersBytes, r.communicationBuffersBytes],
    ["activations", m.activationsBytes, r.activationsBytes],
    ["total", m.totalBytes, r.totalBytes],
    ["HBM", m.capacityBytes, r.capacityBytes],
    ["free", m.freeBytes, r.freeBytes],
  ];
  for (const [name, chip, rank] of rows) t.push(perRank ? [name, gb(chip), gb(rank)] : [name, gb(chip)]);
  return [`Memory (${pct(m.totalBytes / m.capacityBytes)} of HBM used):`, t.toString()];
}

function phaseSection(title: string, p: PhaseEstimate, headline: string, operators: boolean): string {
  const s = p.step;
  const lines = [
    `${title} — ${p.instances} instance(s) × ${p.chipsPerInstance} chips (${p.ranksPerInstance} ranks)`,
    `  ${headline}`,
    `  step ${ms(s.stepS)} · bound: ${s.bound} · expert imbalance ×${s.imbalance.factor.toFixed(3)} (${s.imbalance.basis})`,
    "",
    "Per-layer breakdown (one layer, all microbatches, slowest rank; with overlap the groups run concurrently; the embedding and LM head are no layer: see head in the Step line):",
    layerTable(s.layers),
  ];
  const streams = streamLines(s.layers);
  if (streams.length > 0) lines.push("Microbatch streams:", ...streams);
  lines.push(...stepExtraLines(s));
  lines.push(
    `${s.pipeline !== undefined ? "One microbatch through all stages" : "Step"}: layers ${ms(s.layersS)} + pipeline fill ${ms(s.pipelineFillS)} + head ${ms(s.headS)} + sampling ${ms(s.samplingS)} + MTP ${ms(s.mtpS)} + graph launch ${ms(s.graphLaunchS)} (${s.graphLaunches})${s.host !== undefined ? ` + waiting for the host ${ms(s.host.waitS)} (host ${ms(s.host.hostS)} per iteration)` : ""}${(s.host?.piecewiseDeviceS ?? 0) > 0 ? ` + piecewise forward on the device ${ms(s.host?.piecewiseDeviceS ?? 0)}` : ""}${s.draft !== undefined ? ` + draft ${ms(s.draft.timeS)}` : ""}${s.offload !== undefined ? ` + offload transfers not hidden ${ms(s.offload.exposedS)}` : ""}${s.pipeline !== undefined ? `; step (pipeline cycle) ${ms(s.stepS)}` : ` = ${ms(s.stepS)}`}; kernel launch overhead inside operators ${ms(s.kernelLaunchS)}`,
    ...memoryLines(p),
  );
  if (operators) {
    const moe = s.layers.find((l) => l.kind === "moe") ?? s.layers[0];
    if (moe !== undefined)
      lines.push(`Operators of one ${moe.kind} layer (per microbatch):`, operatorTable(moe));
  }
  return lines.join("\n");
}

/** The estimate as terminal text. */
function renderEstimate(e: Estimate, operators = false): string {
  const sc = e.scenario;
  const out: string[] = [
    sc.name,
    `system ${sc.system} (${sc.systemName}) · chip ${sc.chip} · model ${sc.model} · ${describePrecision(sc.precision)}`,
  ];
  if (sc.engine !== undefined)
    out.push(
      `Engine: ${sc.engine.name} (data of release ${sc.engine.release})${sc.engine.policies.map((p) => `; ${p.policy}: ${p.value}${p.modelled ? "" : " (recorded, not modelled)"}`).join("")}${sc.engine.efficiencyOverlays.length > 0 ? `; efficiency overlays: ${sc.engine.efficiencyOverlays.join(", ")} (data/efficiency/engines/)` : ""}`,
    );
  if (sc.source !== undefined)
    out.push(
      `Source: ${sc.source.title}, ${sc.source.url}${sc.source.section !== undefined ? `, ${sc.source.section}` : ""}`,
    );
  out.push("");
  if (e.offline !== undefined)
    out.push(...offlineLines(e.offline, e.decode?.chipsPerInstance ?? e.prefill?.chipsPerInstance ?? 1), "");
  if (e.prefill !== undefined) {
    const f: PrefillEstimate = e.prefill;
    out.push(
      phaseSection(
        "Prefill",
        f,
        `TTFT ${ms(f.ttftS)} (${num(f.tokensPerChip)} tokens per chip per iteration, ${num(f.promptLength)}-token prompts) · ${num(f.tokensPerSPerChip)} tokens/s per chip · ${num(f.tokensPerSPerInstance)} tokens/s per instance`,
        operators,
      ),
      "",
    );
  }
  if (e.decode !== undefined) {
    const d: DecodeEstimate = e.decode;
    out.push(
      phaseSection(
        "Decode",
        d,
        `TPOT ${ms(d.tpotS)} · ${num(d.tokensPerSPerChip)} tokens/s per chip · ${num(d.tokensPerSPerInstance)} tokens/s per instance (batch ${Number.isInteger(d.batchPerChip) ? num(d.batchPerChip) : d.batchPerChip.toPrecision(3)} per chip, KV ${num(d.kvLength)}, ${d.tokensPerStepPerSequence.toFixed(2)} tokens per step per sequence${d.slotOccupancy < 1 ? `; ${(100 * d.slotOccupancy).toFixed(1)} % of the batch's slots busy: requests placed on DP ranks at random` : ""})`,
        operators,
      ),
      "",
    );
  }
  if (e.disaggregated !== undefined) out.push(...disaggregatedLines(e.disaggregated), "");
  if (e.defaulted.length > 0)
    out.push(`Flagged: defaulted (no published microbenchmark for this chip): ${e.defaulted.join(", ")}`);
  return `${out.join("\n")}\n`;
}

/** Energy and cost (docs/energy.md) with the assumptions used. */
function renderEnergy(e: EstimateEnergy): string {
  const out = ["Energy and cost (docs/energy.md):"];
  if (e.prefill !== undefined) out.push(energyLine("prefill", e.prefill));
  if (e.decode !== undefined) out.push(energyLine("decode", e.decode));
  out.push("  assumptions:", ...assumptionLines(e.assumptions));
  return `${out.join("\n")}\n`;
}

/** A layer group's row label: its FFN kind, and its attention variant (a single-mixer block: its mixer). */
function layerLabel(l: LayerStep): string {
  if (l.kind === "none") return l.linearAttention === true ? "mixer (linear attn)" : "mixer (attention)";
  if (l.compressRatio !== undefined)
    return `${l.kind} (${l.compressRatio === 0 ? "window only" : `compress ${l.compressRatio}`}${l.hashRouted === true ? ", hash-routed" : ""})`;
  if (l.noMixer === true) return `${l.kind} (no attention)`;
  if (l.attentionWindow !== undefined) return `${l.kind} (window ${l.attentionWindow})`;
  if (l.sharedTopK === true) return `${l.kind} (shared top-k)`;
  return l.linearAttention === true ? `${l.kind} (linear attn)` : l.kind;
}

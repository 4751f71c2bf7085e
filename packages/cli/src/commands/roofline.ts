/**
 * `supernode roofline <model> --chip <id> [--phase decode --batch B --kv L | --phase prefill
 * --tokens T --context C] [--dtype D] [--map-dtype fp8=int8] [--ep N] [--tp N] [--json]`:
 * every operator of one dense layer, one MoE layer and the model head on one device (a 910C die,
 * a GPU), with FLOPs, bytes, arithmetic intensity, time, bound and efficiency, then the whole
 * forward pass. Values that fell back to the default efficiency profile are flagged.
 */
import { existsSync } from "node:fs";
import {
  builtinCatalog,
  builtinModel,
  DTYPES,
  type ModelArchitecture,
  parseHfConfig,
  type RooflineReport,
  type RooflineWorkload,
  rooflineReport,
  SupernodeError,
} from "@supernode/core";
import Table from "cli-table3";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { parseDtype, parseDtypeMapping } from "../output/dtype-mapping.ts";
import { collect, readText } from "../output/files.ts";

interface RooflineFlags {
  chip?: string;
  phase: string;
  batch?: string;
  kv?: string;
  tokens?: string;
  context?: string;
  dtype?: string;
  mapDtype: string[];
  ep: string;
  tp: string;
  json?: boolean;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("roofline")
    .description(
      "per-operator roofline of a model on one device: FLOPs, bytes, time, bound (compute / memory / overhead)",
    )
    .argument("<model>", "model zoo id (e.g. deepseek-v3) or a Hugging Face config.json path")
    .option("--chip <id>", "catalog chip id (e.g. ascend-910c, h800-sxm, gb200)")
    .option("--phase <phase>", "decode or prefill", "decode")
    .option("--batch <n>", "sequences in the step (decode default 1; prefill default 1)")
    .option("--kv <tokens>", "decode: KV-cache length per sequence before the step", "4096")
    .option("--tokens <n>", "prefill: new tokens in the step, over all sequences", "4096")
    .option("--context <tokens>", "prefill: cached context per sequence before the chunk", "0")
    .option(
      "--dtype <dtype>",
      `weight/GEMM format (${DTYPES.join(", ")}); default the model's native format, or bf16 if the chip lacks it`,
    )
    .option("--map-dtype <from=to>", "run one format as another, e.g. fp8=int8 (repeatable)", collect, [])
    .option("--ep <n>", "expert parallelism (data-parallel attention): routed experts over N ranks", "1")
    .option("--tp <n>", "tensor parallelism of attention and dense FFN", "1")
    .option("--json", "print the report as JSON")
    .action((model: string, flags: RooflineFlags) => {
      const report = buildReport(model, flags);
      io.stdout.write(flags.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : formatReport(report));
    });
}

function buildReport(model: string, flags: RooflineFlags): RooflineReport {
  if (flags.chip === undefined)
    throw new SupernodeError("usage", "--chip <id> is required (e.g. --chip ascend-910c)", {
      fieldPath: ["--chip"],
    });
  const arch = loadModel(model);
  const chip = builtinCatalog().chip(flags.chip);
  const workload = parseWorkload(flags);
  const dtype = flags.dtype === undefined ? undefined : parseDtype(flags.dtype, "--dtype");
  const dtypeMapping = parseDtypeMapping(flags.mapDtype);
  return rooflineReport(arch, chip, {
    workload,
    ...(dtype !== undefined && { dtype }),
    dtypeMapping,
    ep: positiveInt(flags.ep, "--ep"),
    tp: positiveInt(flags.tp, "--tp"),
  });
}

function loadModel(model: string): ModelArchitecture {
  if (model.endsWith(".json") && existsSync(model))
    return parseHfConfig(readText(model, "model config"), model);
  return builtinModel(model);
}

function parseWorkload(flags: RooflineFlags): RooflineWorkload {
  const batch = positiveInt(flags.batch ?? "1", "--batch");
  switch (flags.phase) {
    case "decode":
      return { phase: "decode", batch, kvLength: nonNegativeInt(flags.kv ?? "0", "--kv") };
    case "prefill":
      return {
        phase: "prefill",
        batch,
        tokens: positiveInt(flags.tokens ?? "1", "--tokens"),
        context: nonNegativeInt(flags.context ?? "0", "--context"),
      };
    default:
      throw new SupernodeError("usage", `--phase must be decode or prefill, got "${flags.phase}"`);
  }
}

function positiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new SupernodeError("usage", `${flag} must be an integer >= 1, got "${text}"`);
  return value;
}

function nonNegativeInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new SupernodeError("usage", `${flag} must be an integer >= 0, got "${text}"`);
  return value;
}

const SHORT_FLAG: Record<string, string> = {
  computeEfficiency: "compute",
  memoryEfficiency: "memory",
  launchOverheadUs: "launch",
  vectorPeakFractionOfBf16: "vector peak",
};

/** `gemm.computeEfficiency.bf16` → `compute`; the class is in its own column. */
function flagOf(parameter: string): string {
  const key = parameter.split(".")[1] ?? parameter;
  return SHORT_FLAG[key] ?? key;
}

function formatReport(r: RooflineReport): string {
  const out: string[] = [];
  const d = r.device;
  const peak = d.peakFlopsPerS[r.dtypeMapping[r.dtype] ?? r.dtype]?.value ?? 0;
  const w = r.workload;
  const work =
    w.phase === "decode"
      ? `decode, batch ${w.batch}, KV ${w.kvLength} per sequence`
      : `prefill, ${w.tokens} new tokens over ${w.batch} sequence(s), context ${w.context}`;
  out.push(
    `${r.model} on one ${d.chipId} device${d.devicesPerChip > 1 ? ` (1 of ${d.devicesPerChip} dies)` : ""}: ${work}`,
  );
  out.push(
    `format ${r.dtype}: peak ${(peak / 1e12).toFixed(0)} TFLOP/s, HBM ${(d.memoryBandwidthBytesPerS.value / 1e9).toFixed(0)} GB/s; EP${r.ep} TP${r.tp}`,
  );
  out.push(`efficiency profile: ${r.profile.basis} (${r.profile.files.join(", ")})`);
  for (const note of r.notes) out.push(`note: ${note}`);
  for (const section of r.sections) {
    const title =
      section.kind === "head"
        ? "model head (embedding, final norm, LM head, sampling)"
        : `${section.kind} layer (× ${section.count})`;
    out.push("", title);
    const table = new Table({
      head: ["operator", "class", "GFLOP", "MB", "FLOP/B", "time µs", "bound", "eff c/m %", "defaults"],
      colAligns: ["left", "left", "right", "right", "right", "right", "left", "right", "left"],
      style: { head: [], border: [] },
      chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    });
    for (const row of section.rows) {
      const t = row.timing;
      const flags = [...new Set(t.defaultedParameters.map(flagOf))];
      if (t.mappedFrom !== undefined) flags.push(`${t.mappedFrom}→${t.dtype}`);
      table.push([
        row.name,
        row.class,
        (row.flops / 1e9).toFixed(2),
        (row.bytes / 1e6).toFixed(2),
        Number.isFinite(row.arithmeticIntensity) ? row.arithmeticIntensity.toFixed(1) : "∞",
        (t.timeS * 1e6).toFixed(1),
        t.bound,
        `${(t.computeEfficiency * 100).toFixed(0)}/${(t.memoryEfficiency * 100).toFixed(0)}`,
        flags.join(", "),
      ]);
    }
    table.push(["total", "", "", "", "", (section.timeS * 1e6).toFixed(1), "", "", ""]);
    out.push(table.toString());
  }
  out.push("");
  const perLayer = r.sections
    .map((s) => `${s.count} × ${(s.timeS * 1e6).toFixed(1)} µs ${s.kind}`)
    .join(" + ");
  out.push(`forward pass: ${perLayer} = ${(r.forwardTimeS * 1e3).toFixed(3)} ms (MTP modules not included)`);
  out.push(
    `${r.tokens} tokens per pass → ${(r.tokens / r.forwardTimeS).toFixed(0)} tokens/s on this device (no communication)`,
  );
  if (r.defaultedParameters.length > 0)
    out.push(
      `defaulted (documented assumptions, docs/operator-model.md): ${r.defaultedParameters.join(", ")}`,
    );
  return `${out.join("\n")}\n`;
}

function toJson(r: RooflineReport): unknown {
  return {
    model: r.model,
    chip: r.device.chipId,
    devicesPerChip: r.device.devicesPerChip,
    device: {
      peakFlopsPerS: Object.fromEntries(
        Object.entries(r.device.peakFlopsPerS).map(([k, v]) => [k, v?.value]),
      ),
      memoryBandwidthBytesPerS: r.device.memoryBandwidthBytesPerS.value,
      memoryCapacityBytes: r.device.memoryCapacityBytes.value,
    },
    profile: r.profile,
    workload: r.workload,
    dtype: r.dtype,
    dtypeMapping: r.dtypeMapping,
    ep: r.ep,
    tp: r.tp,
    notes: r.notes,
    sections: r.sections.map((s) => ({
      kind: s.kind,
      count: s.count,
      timeS: s.timeS,
      operators: s.rows.map((row) => ({
        name: row.name,
        class: row.class,
        flops: row.flops,
        bytes: row.bytes,
        arithmeticIntensity: Number.isFinite(row.arithmeticIntensity) ? row.arithmeticIntensity : null,
        ...row.timing,
      })),
    })),
    forwardTimeS: r.forwardTimeS,
    tokens: r.tokens,
    tokensPerS: r.tokens / r.forwardTimeS,
    defaultedParameters: r.defaultedParameters,
  };
}

/**
 * `supernode train <scenario.yaml> [--json] [--hardware extra.yaml] [--set key=value]`: one
 * training step of a `kind: training` scenario — the step time with its breakdown (forward,
 * backward, recompute, each parallelism's communication total and exposed, pipeline bubble,
 * optimizer), tokens/s, MFU and model TFLOPS per chip, memory per rank (what does not fit and by
 * how much), time and chip-hours to train the token budget, goodput under failures and
 * checkpoints (at this size and versus size), and the blast radius of one failed chip.
 */
import { parseOverride, parseTrainingScenario, type TrainReport, trainReport } from "@supernode/core";
import Table from "cli-table3";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { collect, modelConfigReader, readText } from "../output/files.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { enUs } from "../output/locale-number.ts";
import { renderJson } from "../output/render.ts";

interface TrainFlags {
  json?: boolean;
  hardware: string[];
  set: string[];
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("train")
    .description("training step time, MFU, memory per chip, time-to-train and goodput of a training scenario")
    .argument(
      "<scenario>",
      "training scenario (kind: training); see docs/training.md and examples/training-*.yaml",
    )
    .option("--json", "print the estimate as JSON (SI units)")
    .option(
      "--set <key=value>",
      "override a scenario field, e.g. parallelism.pp=8 (repeatable)",
      collect,
      [],
    );
  addHardwareOption(command).action((file: string, flags: TrainFlags) => {
    const text = readText(file, "scenario file");
    const scenario = parseTrainingScenario(text, file, loadCatalog(flags), {
      overrides: flags.set.map(parseOverride),
      readFile: modelConfigReader(file),
    });
    const report = trainReport(scenario);
    io.stdout.write(flags.json === true ? renderJson(report) : renderTrain(report));
  });
}

const ms = (s: number) => `${enUs(s * 1e3, 1)} ms`;
const secs = (s: number) =>
  s >= 86400
    ? `${(s / 86400).toFixed(1)} days`
    : s >= 3600
      ? `${(s / 3600).toFixed(1)} h`
      : s >= 60
        ? `${(s / 60).toFixed(1)} min`
        : `${s.toFixed(1)} s`;
const gb = (b: number) => `${enUs(b / 1e9, 1)} GB`;
const num = (x: number) => enUs(x, 0);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function table(head: string[]): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
}

function header(r: TrainReport): string[] {
  const s = r.scenario;
  const l = s.layout;
  const sched = l.schedule === "interleaved" ? `interleaved ×${l.virtualStages}` : l.schedule;
  return [
    `${s.name}`,
    `${num(s.chips)} × ${s.system} chips (${num(l.ranks)} ranks, ${s.systems} system${s.systems > 1 ? "s" : ""}, fabric ${s.fabric}), model ${s.model}, ${s.precision.compute} compute`,
    `TP ${l.tp}${l.sequenceParallel ? "+SP" : ""} · PP ${l.pp} (${sched}) · CP ${l.cp}${l.cp > 1 ? ` (${l.cpAlgorithm})` : ""} · EP ${l.ep} · DP ${l.dp} (ZeRO-${l.zero}) · ${l.microBatches} micro-batches of ${s.batch.microBatch} × ${num(s.batch.sequenceLength)} tokens · recompute ${s.recompute}`,
    "",
  ];
}

function breakdownTable(r: TrainReport): string {
  const b = r.breakdown;
  const t = table(["step part (slowest stage's rank)", "total", "exposed", "share of step"]);
  const row = (name: string, total: number, exposed = total) => {
    if (total > 0 || exposed > 0) t.push([name, ms(total), ms(exposed), pct(exposed / r.stepS)]);
  };
  row("forward compute", b.forwardS);
  row("backward compute", b.backwardS);
  row("  of which waiting for the host (eager MoE layers)", b.hostWaitS);
  row("recompute", b.recomputeS);
  row("TP / SP communication", b.tp.totalS, b.tp.exposedS);
  row("CP communication", b.cp.totalS, b.cp.exposedS);
  row("EP dispatch / combine", b.ep.totalS, b.ep.exposedS);
  row("DP gradients / parameters", b.dp.totalS, b.dp.exposedS);
  row("PP send / receive", b.pp.totalS, b.pp.exposedS);
  row("pipeline bubble", b.bubbleS);
  row("optimizer", b.optimizerS);
  t.push(["step", "", ms(r.stepS), "100 %"]);
  return t.toString();
}

function memoryTable(r: TrainReport): string {
  const w = r.memory.worst;
  const t = table(["memory per rank (worst stage)", "bytes"]);
  t.push(["parameters", gb(w.params)], ["gradients", gb(w.gradients)], ["optimizer states", gb(w.optimizer)]);
  t.push(
    [`activations (${w.inFlight.toFixed(1)} micro-batches in flight)`, gb(w.activations)],
    ["buffers", gb(w.buffers)],
  );
  if (w.offloaded > 0) t.push(["activations offloaded to host memory (not in total)", gb(w.offloaded)]);
  t.push([`total (stage ${w.stage}) / capacity`, `${gb(w.total)} / ${gb(r.memory.capacityBytes)}`]);
  return t.toString();
}

function clockLine(r: TrainReport): string {
  const c = r.sustainedClock;
  if (c === undefined) return "compute at the listed peaks' clock (no sustained-clock data for this chip)";
  const mhz = (hz: number) => `${(hz / 1e6).toFixed(0)} MHz`;
  return `compute at the clock a training load sustains under the power limit: ${mhz(c.sustainedClockHz)} of the ${mhz(c.peakClockHz)} the listed peaks assume (${pct(c.fraction)}; ${c.family} family, data/power/sustained-clocks.yaml)`;
}

/** The stage (or, under DualPipe, the rank holding stages r and p − 1 − r) that sets the pace. */
function slowest(r: TrainReport): string {
  const { schedule, pp } = r.scenario.layout;
  const s = r.bottleneckStage;
  return schedule === "dualpipe" ? `slowest rank ${s}: stages ${s} and ${pp - 1 - s}` : `slowest stage ${s}`;
}

function renderTrain(r: TrainReport): string {
  const lines = header(r);
  lines.push(breakdownTable(r), "");
  lines.push(
    `throughput: ${num(r.tokensPerS)} tokens/s (${num(r.tokensPerSPerChip)} per chip); step ${ms(r.stepS)} (${slowest(r)})`,
    `MFU ${pct(r.mfu)} of dense BF16 peak${r.scenario.precision.compute !== "bf16" ? ` (${pct(r.mfuComputeDtype)} of dense ${r.scenario.precision.compute})` : ""}; model ${(r.modelFlopsPerSPerChip / 1e12).toFixed(0)} TFLOPS per chip (${(r.modelFlopsPerToken / 1e9).toFixed(0)} GFLOP per token, PaLM's definition; ${pct(r.mfuCausalAttention)} MFU if attention is counted under the causal mask)`,
    clockLine(r),
    "",
    memoryTable(r),
  );
  if (!r.memory.fits)
    lines.push(
      `DOES NOT FIT: stage ${r.memory.worst.stage} needs ${gb(r.memory.worst.total)} per rank, ${gb(r.memory.overBytes)} over the ${gb(r.memory.capacityBytes)} of the device`,
    );
  lines.push("");
  const g = r.goodput;
  lines.push(
    `failures: ${g.failuresPerChipHour.toExponential(2)} per chip-hour → job MTBF ${secs(g.mtbfS)}; checkpoint ${gb(g.checkpointBytes)} written in ${secs(g.checkpointWriteS)} at ${gb(g.checkpointWriteBytesPerS)}/s; restart ${secs(g.restartS)}`,
    `goodput ${pct(g.goodput)} with a checkpoint every ${secs(g.checkpointIntervalS)} (Young/Daly): lost ${pct(g.checkpointLoss)} to checkpoints, ${pct(g.restartLoss)} to restarts, ${pct(g.reworkLoss)} to re-done work`,
  );
  if (r.train !== undefined)
    lines.push(
      `${num(r.train.tokens / 1e9)}B tokens: ${secs(r.train.seconds)} and ${num(r.train.chipHours)} chip-hours at full speed; ${secs(r.train.secondsWithFailures)} and ${num(r.train.chipHoursWithFailures)} chip-hours with failures`,
    );
  const br = r.blastRadius;
  lines.push(
    `blast radius of one failed chip: its node (${br.nodeChips} chips) is drained; with model-parallel replicas of ${num(br.replicaChips)} chips in a ${num(br.domainChips)}-chip scale-up domain, ${num(br.idledChips)} chips wait for it without a spare`,
    "",
  );
  const curve = table(["chips", "job MTBF", "checkpoint every", "goodput"]);
  for (const c of r.goodputCurve)
    curve.push([num(c.chips), secs(c.mtbfS), secs(c.checkpointIntervalS), pct(c.goodput)]);
  lines.push("goodput versus job size (same model, checkpoint and failure inputs):", curve.toString(), "");
  return `${lines.join("\n")}\n`;
}

import { describe, expect, it } from "vitest";
import { type OperatorGroup, streamProfile } from "../deploy/stream-profiles.ts";
import { composeLayer } from "./step-layer.ts";
import type { StepItem } from "./step-operators.ts";
import { scheduleSegments } from "./step-schedule.ts";
import { runConcurrentStreams } from "./stream-contention.ts";

const item = (name: string, group: OperatorGroup, timeS: number): StepItem => {
  const fabric = group === "dispatch" || group === "combine";
  return {
    name,
    group,
    timeS,
    bound: fabric ? "fabric" : "compute",
    flops: 0,
    bytes: 0,
    overheadS: 0,
    computeS: timeS,
    memoryS: 0,
    defaulted: [],
  };
};

/** One microbatch of a MoE layer: attention-pre 3, attention-post 7, gate 1, shared 1, experts 4. */
const layer = (dispatchS: number, combineS: number): StepItem[] => [
  item("attn.input_norm", "norms", 1),
  item("attn.q_b_proj", "attention", 2),
  item("attn.core", "attention", 5),
  item("attn.o_proj", "attention", 1),
  item("ffn.post_attention_norm", "norms", 1),
  item("moe.router", "moe-gate", 1),
  item("moe.dispatch", "dispatch", dispatchS),
  item("moe.experts.gate_up_proj", "experts", 4),
  item("moe.shared.gate_up_proj", "shared-experts", 1),
  item("moe.combine_transfer", "combine", combineS),
];

const decode = streamProfile(undefined, "NVIDIA", "decode");
const overlap = { microbatches: 2, profile: decode };

describe("windowed two-batch schedule (DeepSeek's decode pipeline, profile-data decode.jpg)", () => {
  it("the NVIDIA decode and prefill profiles carry DeepSeek's stage order", () => {
    expect(decode.schedule?.stages).toHaveLength(6);
    expect(streamProfile(undefined, "NVIDIA", "prefill").schedule?.stages).toHaveLength(4);
    // CloudMatrix-Infer's pipelines stay free-running streams
    expect(streamProfile(undefined, "Huawei", "decode").schedule).toBeUndefined();
  });

  it("splits attention at the core: ATTN-0 before it, ATTN-1 from it on", () => {
    const schedule = decode.schedule;
    if (schedule === undefined) throw new Error("no schedule");
    const segs = scheduleSegments(layer(1, 1), schedule);
    expect(segs.slice(0, 5)).toEqual([
      "attention-pre",
      "attention-pre",
      "attention-post",
      "attention-post",
      "attention-post",
    ]);
    expect(segs[5]).toBe("moe-gate");
  });

  it("transfers shorter than their windows are hidden: the layer is the compute of both microbatches", () => {
    const t = composeLayer(() => layer(2, 3), overlap);
    expect(t.layerS).toBeCloseTo(2 * (1 + 3 + 4 + 8), 12);
  });

  it("a transfer hides only behind its own window, so the layer is longer than freely overlapped streams", () => {
    // dispatch 10 behind SHARED + ATTN-0 (4), combine 20 behind ATTN-1 + gate (8)
    const items = layer(10, 20);
    const t = composeLayer(() => items, overlap);
    expect(t.layerS).toBeCloseTo(2 * (10 + 4 + 20), 12);
    const compute = items.filter((i) => i.group !== "dispatch" && i.group !== "combine");
    const comm = items.filter((i) => i.group === "dispatch" || i.group === "combine");
    const free = 2 * runConcurrentStreams([compute, comm]).makespanS;
    expect(t.layerS).toBeGreaterThan(free);
    // a longer attention core fills the combine's wait at no cost while it is shorter than the combine
    // (LMSYS: with slowed attention SGLang's combine time matched DeepSeek's)
    const longer = composeLayer(
      () => items.map((i) => (i.name === "attn.core" ? item("attn.core", "attention", 12) : i)),
      overlap,
    );
    expect(longer.layerS).toBeCloseTo(2 * (10 + 4 + 20), 12);
  });

  it("TP collectives, which the figure does not show, run serially per microbatch", () => {
    const items = [...layer(2, 3), item("attn.tp_all_reduce", "attention-comm", 5)];
    const t = composeLayer(() => items, overlap);
    expect(t.layerS).toBeCloseTo(2 * (1 + 3 + 4 + 8) + 2 * 5, 12);
  });
});

import { describe, expect, it } from "vitest";
import { layerOperators } from "../model/layer-operators.ts";
import { builtinModel } from "../model/zoo.ts";
import { computeDevice } from "../perf/device.ts";
import { efficiencyProfile } from "../perf/efficiency-profile.ts";
import { operatorTime } from "../perf/operator-time.ts";
import { fixtureH800 } from "../perf/test-support/fixture-chips.ts";
import {
  chunksInFlight,
  ringExchangeChunk,
  ringExchangeSplit,
  TP_OVERLAP_MAX_STREAMS,
} from "./tp-overlap-split.ts";

const arch = builtinModel("llama-3.1-405b");
const work = {
  phase: "train-forward",
  sequences: 1,
  tokens: 4096,
  attendedTokenPairs: (4096 * 4097) / 2,
} as const;
const forward = layerOperators(arch, 5, work, { attentionTp: 8, ffnTp: 8 });
const backward = layerOperators(arch, 5, { ...work, phase: "train-backward" }, { attentionTp: 8, ffnTp: 8 });
const named = (ops: typeof forward, name: string) => {
  const op = ops.find((o) => o.name === name);
  if (op === undefined) throw new Error(`no ${name}`);
  return op;
};

describe("ring-exchange TP overlap", () => {
  it("splits every forward TP GEMM and the row-parallel data gradients, nothing else", () => {
    const split = [...forward, ...backward].filter(ringExchangeSplit).map((o) => o.name);
    expect(split).toEqual([
      "attn.qkv_proj",
      "attn.o_proj",
      "ffn.gate_up_proj",
      "ffn.down_proj",
      "ffn.down_proj.dgrad",
      "attn.o_proj.dgrad",
    ]);
  });

  it("runs tp/3 launches of a GEMM with 3/tp of the rows: the same FLOPs, the weights re-read per launch", () => {
    const qkv = named(forward, "attn.qkv_proj");
    const r = ringExchangeChunk(qkv, 8);
    expect(r?.launches).toBeCloseTo(8 / TP_OVERLAP_MAX_STREAMS, 12);
    expect(r?.chunk.shape?.m).toBeCloseTo((4096 * 3) / 8, 9);
    expect((r?.launches ?? 0) * (r?.chunk.flops ?? 0)).toBeCloseTo(qkv.flops, 0);
    expect(r?.chunk.bytesRead.weights).toBe(qkv.bytesRead.weights);
    expect(ringExchangeChunk(qkv, 1)).toBeUndefined();
    expect(ringExchangeChunk(named(backward, "attn.qkv_proj.wgrad"), 8)).toBeUndefined();
  });

  it("costs the narrower GEMMs time on a Hopper GPU at TP 8, never less than the whole GEMM", () => {
    const device = computeDevice(fixtureH800);
    const profile = efficiencyProfile("h800-sxm");
    for (const op of forward.filter(ringExchangeSplit)) {
      const whole = operatorTime(op, device, profile).timeS;
      const r = ringExchangeChunk(op, 8);
      const split = (r?.launches ?? 0) * operatorTime(r?.chunk ?? op, device, profile).timeS;
      expect(split).toBeGreaterThanOrEqual(whole * 0.999);
    }
  });

  it("runs as many chunks at once as ring steps fit in one chunk GEMM, between 1 and min(3, tp)", () => {
    expect(chunksInFlight(40e-6, 20e-6, 8)).toBeCloseTo(2, 12);
    expect(chunksInFlight(10e-6, 20e-6, 8)).toBe(1); // the link is the bottleneck: one at a time
    expect(chunksInFlight(400e-6, 20e-6, 8)).toBe(3); // TE's stream limit
    expect(chunksInFlight(400e-6, 20e-6, 2)).toBe(2); // never more chunks than ranks
    const qkv = named(forward, "attn.qkv_proj");
    expect(ringExchangeChunk(qkv, 8, 1)?.launches).toBe(8);
    expect(ringExchangeChunk(qkv, 8, 2)?.chunk.shape?.m).toBeCloseTo(4096 / 4, 9);
  });
});

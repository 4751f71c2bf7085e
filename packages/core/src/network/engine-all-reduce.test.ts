import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { MICROSECOND } from "../spec/index.ts";
import {
  builtinEngineAllReduce,
  oneShotAllReduceS,
  parseEngineAllReduce,
  runsOneShot,
} from "./engine-all-reduce.ts";
import { engineAllReducePrediction } from "./engine-all-reduce-case.ts";
import { fabricModel } from "./fabric-model.ts";

const model = (id: string) => fabricModel(builtinCatalog().system(id));

describe("an engine's own one-shot TP all-reduce (engine-all-reduce.yaml)", () => {
  it("is TensorRT-LLM's; vLLM and SGLang keep the NCCL stand-in", () => {
    const p = builtinEngineAllReduce();
    expect(p.oneShotEngines.has("trtllm")).toBe(true);
    expect(p.oneShotEngines.has("vllm")).toBe(false); // vLLM: its own kernel (vllm-custom-all-reduce.ts)
    expect(p.oneShotEngines.has("sglang")).toBe(false);
  });

  it("costs fixed + per peer x (n - 1) + (n - 1) x S over the rank's NVLink bandwidth", () => {
    const b200 = model("dgx-b200");
    const t = oneShotAllReduceS(b200, 4, 8192) ?? Number.NaN;
    expect(t).toBeCloseTo((4.5 + 3 * 0.077) * MICROSECOND + (3 * 8192) / b200.accessBytesPerS, 12);
    // NVLink 4 is faster per call than NVLink 5 (the tables: 2.66 against 4.58 us at 2 GPUs)
    expect(oneShotAllReduceS(model("hgx-h100"), 2, 256) ?? 0).toBeCloseTo(2.66 * MICROSECOND, 8);
    expect(oneShotAllReduceS(model("gb200-nvl72"), 2, 256) ?? 0).toBeCloseTo(4.577 * MICROSECOND, 8);
  });

  it("runs only within the engine's rule: 128 tokens above 2 ranks, and the workspace", () => {
    expect(runsOneShot("trtllm", 4, 128, 128 * 8192 * 2)).toBe(true);
    expect(runsOneShot("trtllm", 4, 129, 129 * 8192 * 2)).toBe(false);
    expect(runsOneShot("trtllm", 2, 512, 512 * 8192 * 2)).toBe(true); // 8.4 MB < 16 MB at 2 ranks
    expect(runsOneShot("trtllm", 2, 1024, 1024 * 8192 * 2)).toBe(false); // 16.8 MB
    expect(runsOneShot("trtllm", 8, 64, 9e6)).toBe(false); // above the 8 MB workspace
    expect(runsOneShot("vllm", 4, 1, 8192)).toBe(false);
  });

  it("has no time where the kernel does not run: no NVLink entry, one rank, nothing to reduce", () => {
    expect(oneShotAllReduceS(model("hgx-a100"), 4, 8192)).toBeUndefined(); // Ampere: no entry
    expect(oneShotAllReduceS(model("cloudmatrix384"), 4, 8192)).toBeUndefined();
    expect(oneShotAllReduceS(model("dgx-b200"), 1, 8192)).toBeUndefined();
    expect(oneShotAllReduceS(model("dgx-b200"), 4, 0)).toBeUndefined();
  });

  it("loses to NCCL at large messages: the case prediction takes the faster", () => {
    const at = (bytes: number, engine = "trtllm") =>
      engineAllReducePrediction({
        kind: "engine-all-reduce",
        engine,
        system: "hgx-h100",
        ranks: 8,
        bytes,
        metric: "time",
      });
    const oneShot = (bytes: number) => (oneShotAllReduceS(model("hgx-h100"), 8, bytes) ?? 0) / MICROSECOND;
    expect(at(8192)).toBeCloseTo(oneShot(8192), 9);
    expect(at(64 << 20)).toBeLessThan(oneShot(64 << 20));
    expect(at(8192, "vllm")).toBeGreaterThan(oneShot(8192)); // vLLM's own kernel, slower per call
  });

  it("refuses a source key the file does not define, naming the field", () => {
    const text = `sources: {}
engines:
  trtllm:
    { value: one-shot, maxTokensAboveTwoRanks: 128, workspaceBytes: { twoRanks: 1, moreRanks: 1 }, source: nowhere, tag: spec }
oneShot: []
`;
    expect(() => parseEngineAllReduce(text, "x.yaml")).toThrow(/unknown source key "nowhere"/);
  });
});

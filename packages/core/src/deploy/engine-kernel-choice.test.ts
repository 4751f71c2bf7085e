import { describe, expect, it } from "vitest";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { SupernodeError } from "../spec/index.ts";
import { engineProfile } from "./engine-profile.ts";
import { parseScenario } from "./scenario.ts";

describe("serving engines: the communication kernels they choose", () => {
  it("choose the MoE communication kernels unless the group names them; the reference scenarios say what they ran", () => {
    const moe = (engine: string, library = "", ep = 16, system = "gb200-nvl72") =>
      parseScenario(
        `system: ${system}
model: deepseek-r1
precision: { weights: fp8 }
engine: { name: ${engine} }
deployment:
  decode: { chipsPerInstance: ${ep}, moe: { ep: ${ep}${library} }, batchPerChip: 8, kvLength: 1024 }
`,
        "moe.yaml",
      ).deployment.decode?.moe?.library;
    expect(moe("trtllm")).toBe("nvlink-one-sided");
    // TensorRT-LLM's all-to-all needs EP above the 8 experts per token and a multi-node NVLink domain
    expect(moe("trtllm", "", 8)).toBe("allgather-reducescatter");
    expect(moe("trtllm", "", 8, "hgx-h200")).toBe("allgather-reducescatter");
    expect(moe("trtllm", ", library: nvlink-one-sided", 8, "hgx-h200")).toBe("nvlink-one-sided");
    expect(engineProfile({ name: "trtllm" }).moeLibraryFor("NVIDIA")).toBe("nvlink-one-sided");
    expect(moe("sglang")).toBe("deepep");
    expect(moe("trtllm", ", library: deepep")).toBe("deepep");
    expect(moe("mindie")).toBeUndefined();
    for (const [name, engine] of [
      ["cloudmatrix384-deepseek-r1-decode", "cloudmatrix-infer"],
      ["sglang-h100-deepseek-v3-decode", "sglang"],
    ] as const)
      expect(parseScenario(referenceScenarioText(name), `${name}.yaml`).engine?.name).toBe(engine);
  });

  it("pick the engine's kernels for the chip's vendor: SGLang's DeepEP on Ascend is DeepEP-Ascend (CANN MC2)", () => {
    const onSystem = (system: string, engine: string, ep = 16) =>
      parseScenario(
        `system: ${system}
model: deepseek-r1
precision: { weights: int8 }
engine: { name: ${engine} }
deployment:
  decode: { chipsPerInstance: 8, moe: { ep: ${ep} }, batchPerChip: 8, kvLength: 1024 }
`,
        "vendor.yaml",
      ).deployment.decode?.moe?.library;
    expect(onSystem("atlas-800t-a3", "sglang")).toBe("cann-mc2");
    expect(onSystem("atlas-800t-a3", "vllm-ascend")).toBe("cann-mc2");
    expect(onSystem("atlas-800t-a3", "cloudmatrix-infer")).toBe("cann-ep");
    expect(onSystem("hgx-h200", "sglang", 8)).toBe("deepep");
    // vLLM's default all2all backend is allgather_reducescatter (NCCL), not DeepEP, in every release
    expect(onSystem("hgx-h200", "vllm", 8)).toBe("allgather-reducescatter");
    expect(engineProfile({ name: "vllm", version: "0.9.0" }).moeLibraryFor("NVIDIA")).toBe(
      "allgather-reducescatter",
    );
    expect(engineProfile({ name: "sglang" }).moeLibraryFor("Huawei")).toBe("cann-mc2");
    expect(engineProfile({ name: "sglang" }).moeLibraryFor("NVIDIA")).toBe("deepep");
    // separate small kernels: SGLang's CUDA chain and its NPU backend's, one entry each
    const sgl = engineProfile({ name: "sglang" });
    expect(sgl.separateKernelsFor("NVIDIA")).toEqual({
      activationQuant: { groupSize: 128, scaleBytes: 4 },
      expertPermute: true,
      mlaKeyConcat: true,
    });
    const npu = sgl.separateKernelsFor("Huawei");
    expect(npu?.expertPermute).toBe(false);
    expect(npu?.activationQuant?.skip).toContain("attn.qkv_a_proj");
    expect(npu?.moePrologue?.onlyWithoutExpertParallel).toBe(true);
    expect(npu?.fusedKernels?.map((f) => f.phase ?? "always")).toEqual(["always", "decode"]);
    expect(sgl.separateKernelsFor("AMD")).toBeUndefined();
    expect(engineProfile({ name: "cloudmatrix-infer" }).separateKernelsFor("Huawei")).toBeUndefined();
    expect(engineProfile({ name: "xdeepserve" }).moeLibraryFor("Huawei")).toBe("cann-ep");
  });

  it("expand HCCL collectives on the AI CPU by default for vLLM-Ascend and SGLang, AIV where the scenario says, and refuse the field where none is recorded", () => {
    expect(engineProfile({ name: "vllm-ascend", version: "0.9.2" }).hcclExpansion).toBe("aicpu");
    expect(engineProfile({ name: "sglang" }).hcclExpansion).toBe("aicpu");
    const aiv = engineProfile({ name: "vllm-ascend", version: "0.20.2", hcclExpansion: "aiv" });
    expect(aiv.hcclExpansion).toBe("aiv");
    expect(aiv.policies.find((p) => p.policy.startsWith("HCCL collectives"))?.value).toMatch(/AIV.*scenario/);
    expect(engineProfile({ name: "cloudmatrix-infer" }).hcclExpansion).toBeUndefined();
    expect(() => engineProfile({ name: "xdeepserve", hcclExpansion: "aiv" })).toThrow(SupernodeError);
  });
});

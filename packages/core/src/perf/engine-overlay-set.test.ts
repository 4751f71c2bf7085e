import { describe, expect, it } from "vitest";
import { embeddedDataFiles } from "../catalog/index.ts";
import { engineOverlaySet } from "./engine-overlay-set.ts";

/** An engine's overlays are every file of its folder, one per overlay family, merged in path order. */
describe("engine overlay sets", () => {
  it("merges vLLM's family files: every overlay once, with its file; backend names the union", () => {
    const set = engineOverlaySet("vllm");
    expect(set?.paths).toEqual([
      "efficiency/engines/vllm/attention-decode.yaml",
      "efficiency/engines/vllm/linear-hopper.yaml",
      "efficiency/engines/vllm/moe-blackwell.yaml",
      "efficiency/engines/vllm/moe-deepgemm-hopper.yaml",
      "efficiency/engines/vllm/moe-hopper.yaml",
      "efficiency/engines/vllm/moe-triton-blackwell.yaml",
    ]);
    expect(set?.overlays.find((o) => o.id === "vllm-triton-moe-fp8-sm90")?.file).toBe(
      "efficiency/engines/vllm/moe-hopper.yaml",
    );
    expect(set?.overlays.map((o) => o.id).sort()).toEqual([
      "vllm-block-fp8-linear-sm90",
      "vllm-deepgemm-moe-fp8-sm100",
      "vllm-deepgemm-moe-fp8-sm90",
      "vllm-fa3-gqa-sm90",
      "vllm-flashinfer-trtllm-moe-sm100",
      "vllm-marlin-moe-int4-sm90",
      "vllm-triton-moe-16bit-sm100",
      "vllm-triton-moe-fp8-sm90",
    ]);
    expect([...(set?.backends.moe ?? [])].sort()).toEqual([
      "deep_gemm",
      "flashinfer_trtllm",
      "marlin",
      "triton",
    ]);
    expect(set?.backends.attention).toEqual(["FLASH_ATTN"]);
    expect(engineOverlaySet("mindie")).toBeUndefined();
  });

  it("keeps every built-in overlay file under the ~300-line rule", () => {
    const long = Object.entries(embeddedDataFiles)
      .filter(([path]) => path.startsWith("efficiency/engines/"))
      .filter(([, text]) => text.split("\n").length > 300)
      .map(([path]) => path);
    expect(long).toEqual([]);
  });

  it("reads every built-in file under efficiency/engines/ (none left where no engine's set looks)", () => {
    // The loader reads efficiency/engines/<engine>/*.yaml only: a flat <engine>.yaml (the layout
    // before the split) or a nested folder would be ignored without a word.
    const paths = Object.keys(embeddedDataFiles).filter((p) => p.startsWith("efficiency/engines/"));
    expect(paths.length).toBeGreaterThan(0);
    const unread = paths.filter((path) => {
      const engine = /^efficiency\/engines\/([^/]+)\/[^/]+\.ya?ml$/.exec(path)?.[1];
      return engine === undefined || !(engineOverlaySet(engine)?.paths ?? []).includes(path);
    });
    expect(unread).toEqual([]);
  });

  const sglang = embeddedDataFiles["efficiency/engines/sglang/attention-decode.yaml"] ?? "";

  it("refuses a file whose engine is not its folder's, naming the file and field", () => {
    expect(() => engineOverlaySet("vllm", { "efficiency/engines/vllm/a.yaml": sglang })).toThrow(
      /efficiency\/engines\/vllm\/a\.yaml.*engine "sglang" in a file of the vllm overlay folder: expected engine: vllm/,
    );
  });

  it("refuses an overlay id used in two files of one engine", () => {
    const files = { "efficiency/engines/sglang/a.yaml": sglang, "efficiency/engines/sglang/b.yaml": sglang };
    expect(() => engineOverlaySet("sglang", files)).toThrow(
      /efficiency\/engines\/sglang\/b\.yaml.*overlay id "sglang-trtllm-mla-sm100" is used twice in sglang's overlays \(also in efficiency\/engines\/sglang\/a\.yaml\)/,
    );
  });
});

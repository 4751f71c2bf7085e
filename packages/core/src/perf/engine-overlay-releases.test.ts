import { describe, expect, it } from "vitest";
import { embeddedDataFiles } from "../catalog/index.ts";
import { compareVersions } from "../spec/index.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { selectOverlays } from "./engine-overlay.ts";
import { readEngineOverlayFile } from "./engine-overlay-file.ts";
import { engineOverlaySet } from "./engine-overlay-set.ts";
import { coversRelease } from "./release-range.ts";

/** Engine overlays apply to the releases they state: from (inclusive) until (exclusive). */
describe("engine overlay release bounds", () => {
  const PATH = "efficiency/engines/sglang/attention-decode.yaml";
  const file = embeddedDataFiles[PATH] ?? "";
  const withReleases = (from: string, extra: string, readAt = '["0.5.14"]') =>
    file.replace(
      / {6}from: "0\.4\.6"\n {6}readAt: \["0\.5\.14"\]\n/,
      `      from: "${from}"\n${extra}      readAt: ${readAt}\n`,
    );
  const read = (text: string) => readEngineOverlayFile(PATH, { [PATH]: text });
  const ids = (files: Record<string, string>, selection: Parameters<typeof selectOverlays>[1]) =>
    selectOverlays(efficiencyProfile("b200"), selection, files).map((o) => o.id);

  it("covers from <= release < until; no release is the newest, which an overlay with until does not cover", () => {
    const bounded = { releases: { from: "0.11.0", until: "0.12.0" } };
    expect(coversRelease(bounded, "0.11.0")).toBe(true);
    expect(coversRelease(bounded, "0.11.2")).toBe(true);
    expect(coversRelease(bounded, "0.12.0")).toBe(false);
    expect(coversRelease(bounded, "0.10.2")).toBe(false);
    expect(coversRelease(bounded, undefined)).toBe(false);
    expect(coversRelease({ releases: { from: "0.11.0" } }, undefined)).toBe(true);
    expect(coversRelease({ releases: { from: "0.11.0" } }, "0.24.0")).toBe(true);
  });

  it("refuses until at or before from, naming file, overlay and field", () => {
    expect(() => read(withReleases("0.5.0", '      until: "0.5.0"\n'))).toThrow(
      /attention-decode\.yaml.*overlay "sglang-trtllm-mla-sm100": releases\.until "0\.5\.0" is not after releases\.from "0\.5\.0"/,
    );
    expect(() => read(withReleases("0.5.0", '      until: "0.4.9"\n'))).toThrow(/releases\.until/);
  });

  it("refuses values read at a release outside the overlay's range, and a release that is not one", () => {
    expect(() => read(withReleases("0.4.6", '      until: "0.5.10"\n'))).toThrow(
      /overlay "sglang-trtllm-mla-sm100": its values were read at release "0\.5\.14", outside its releases \(from "0\.4\.6" until "0\.5\.10"\)/,
    );
    expect(() => read(withReleases("0.6.0", ""))).toThrow(/read at release "0\.5\.14"/);
    expect(() => read(withReleases("latest", ""))).toThrow(/expected a release such as/);
    expect(() => read(file.replace(/ {4}releases:\n(?: {6}.*\n)+/, ""))).toThrow(/releases/);
  });

  it("selects by the scenario's release: the default backend falls back to the chip profile outside the range", () => {
    const files = { ...embeddedDataFiles, [PATH]: withReleases("0.5.0", '      until: "0.6.0"\n') };
    const dense = { engine: "sglang", modelAttention: "mla-dense" } as const;
    expect(ids(files, { ...dense, version: "0.5.14" })).toEqual(["sglang-trtllm-mla-sm100"]);
    expect(ids(files, { ...dense, version: "0.4.9" })).toEqual([]);
    expect(ids(files, { ...dense, version: "0.6.0" })).toEqual([]);
    expect(ids(files, dense)).toEqual([]); // the newest release: past until
  });

  it("refuses a named backend whose overlays on the chip cover none of the scenario's release", () => {
    const files = { ...embeddedDataFiles, [PATH]: withReleases("0.5.0", '      until: "0.6.0"\n') };
    const named = { engine: "sglang", modelAttention: "mla-dense", attentionBackend: "trtllm_mla" } as const;
    expect(ids(files, { ...named, version: "0.5.14" })).toEqual(["sglang-trtllm-mla-sm100"]);
    expect(() => ids(files, { ...named, version: "0.6.1" })).toThrow(
      /sglang's attention backend "trtllm_mla" on this chip has kernel data for sglang-trtllm-mla-sm100 \(0\.5\.0 <= release < 0\.6\.0\) only, not for release 0\.6\.1/,
    );
    expect(() => ids(files, named)).toThrow(/not for the newest release \(the scenario names none\)/);
    // a chip with no overlay of the named backend keeps the chip profile, whatever the release
    expect(
      selectOverlays(efficiencyProfile("h200-sxm"), { ...named, version: "0.6.1" }, files).map((o) => o.id),
    ).toEqual([]);
  });

  it("vLLM 0.11's DeepGEMM buffer is not applied to an earlier release that names the backend", () => {
    const deepGemm = {
      engine: "vllm",
      modelAttention: "gqa",
      moeBackend: "deep_gemm",
      expertWeights: "fp8",
    } as const;
    expect(ids(embeddedDataFiles, { ...deepGemm, version: "0.11.1" })).toEqual([
      "vllm-deepgemm-moe-fp8-sm100",
    ]);
    expect(() => ids(embeddedDataFiles, { ...deepGemm, version: "0.10.2" })).toThrow(
      /vllm-deepgemm-moe-fp8-sm100 \(from 0\.11\.1\) only, not for release 0\.10\.2/,
    );
  });

  it("states for every built-in overlay the releases its values were read at, inside its range", () => {
    for (const engine of ["sglang", "trtllm", "vllm"]) {
      const set = engineOverlaySet(engine);
      expect(set?.overlays.length).toBeGreaterThan(0);
      for (const o of set?.overlays ?? []) {
        expect(o.releases.readAt.length).toBeGreaterThan(0);
        for (const r of o.releases.readAt)
          expect(compareVersions(r, o.releases.from)).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

import { describe, expect, it } from "vitest";
import type { Sourced } from "../spec/sourced.ts";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { builtinCatalog } from "./catalog.ts";

function sourcedValues(node: unknown, path: string, out: Array<[string, Sourced<number>]>): void {
  if (node === null || typeof node !== "object") return;
  if ("value" in node && "sources" in node && "tag" in node) out.push([path, node as Sourced<number>]);
  for (const [key, child] of Object.entries(node))
    if (key !== "chip") sourcedValues(child, `${path}.${key}`, out);
}

describe("builtinCatalog", () => {
  const catalog = builtinCatalog();
  it("holds the chips, systems and fabrics of the issue", () => {
    const chips = catalog.chips().map((c) => c.id);
    for (const id of [
      "ascend-910c",
      "kunpeng-920",
      "a100-sxm",
      "h100-sxm",
      "h800-sxm",
      "h200-sxm",
      "b200",
      "gb200",
      "gb300",
      "b300",
      "h20",
      "h20-3e",
      "grace",
    ])
      expect(chips).toContain(id);
    expect(chips).toEqual(
      expect.arrayContaining(["ascend-910b", "ascend-910c-626", "ascend-910c-752", "ascend-910c-800"]),
    );
    expect(catalog.systems().map((s) => s.id)).toEqual([
      "atlas-800i-a3",
      "atlas-800t-a2",
      "atlas-800t-a3",
      "cloudmatrix384",
      "dgx-b200",
      "gb200-nvl72",
      "gb300-nvl72",
      "hgx-a100",
      "hgx-b300",
      "hgx-h100",
      "hgx-h20",
      "hgx-h20-3e",
      "hgx-h200",
      "hgx-h800",
    ]);
    expect(catalog.fabrics().map((f) => f.id)).toContain("ib-ndr-fat-tree");
    expect(builtinCatalog()).toBe(catalog); // memoised
  });

  it("gives every value a source URL, or an assumption tag with a note", () => {
    const values: Array<[string, Sourced<number>]> = [];
    for (const item of [...catalog.chips(), ...catalog.systems(), ...catalog.fabrics()])
      sourcedValues(item, (item as { id?: string }).id ?? "?", values);
    expect(values.length).toBeGreaterThan(200);
    for (const [path, value] of values) {
      const ok =
        value.sources.some((s) => s.url.startsWith("https://")) ||
        (value.tag === "assumption" && value.note !== undefined);
      expect(ok, path).toBe(true);
    }
  });

  it("converts file units to SI once", () => {
    const npu = catalog.chip("ascend-910c");
    expect(npu.peakFlopsPerS.fp16?.value).toBe(752e12);
    expect(npu.memory.capacityBytes.value).toBe(128e9);
    expect(npu.scaleUp?.bandwidthBytesPerSPerDirection.value).toBe(392e9);
    expect(npu.diesAreDevices).toBe(true);
    expect(catalog.system("cloudmatrix384").scaleUp.hopLatencyS.value).toBe(2e-7);
  });

  it("records the 910C BF16 disagreement with the value used and the alternatives", () => {
    const bf16 = catalog.chip("ascend-910c").peakFlopsPerS.bf16;
    expect(bf16?.value).toBe(780e12);
    expect(bf16?.tag).toBe("estimate");
    expect(bf16?.alternatives?.map((a) => a.value)).toEqual([752e12, 707.8e12]);
  });

  it("derives the SKUs with extends", () => {
    const sku = catalog.chip("ascend-910c-800");
    expect(sku.peakFlopsPerS.fp16?.value).toBe(800e12);
    expect(sku.peakFlopsPerS.bf16?.value).toBe(800e12);
    expect(sku.peakFlopsPerS.fp32?.value).toBe(212e12);
    expect(sku.memory.capacityBytes.value).toBe(128e9); // inherited
    expect(sku.origin).toEqual({
      kind: "builtin",
      file: "chips/ascend-910c-800.yaml",
      extends: "ascend-910c",
    });
  });

  it("removes inherited fields set to null (GB300 has no GB200 power estimate)", () => {
    const power = catalog.system("gb300-nvl72").power;
    expect(power.basis).toBe("accelerator-tdp");
    expect(power.estimateW).toBeUndefined();
    expect(power.usedW.value).toBe(72 * 1400);
  });

  it("derives HGX B300 from DGX B200's baseboard with B300 GPUs (GB300's silicon at 1,100 W)", () => {
    const b300 = catalog.chip("b300");
    expect(b300.origin.extends).toBe("gb300");
    expect(b300.peakFlopsPerS.bf16?.value).toBe(2250e12);
    expect(b300.peakFlopsPerS.fp4?.value).toBe(13125e12);
    expect(b300.memory.bandwidthBytesPerS.value).toBe(7750e9);
    expect(b300.tdpW?.value).toBe(1100);
    expect(b300.scaleOut?.bandwidthBytesPerSPerDirection.value).toBe(100e9); // GB300's ConnectX-8
    const hgx = catalog.system("hgx-b300");
    expect(hgx.node.accelerator.chip.id).toBe("b300");
    expect(hgx.node.accelerator.count.value).toBe(8);
    expect(hgx.scaleUp).toMatchObject({ kind: "single-tier-switch", technology: "NVLink 5" });
    expect(hgx.scaleOut?.defaultFabric).toBe("ib-xdr-fat-tree");
    expect(hgx.power.usedW.value).toBe(8 * 1100);
    expect(hgx.power.nameplateMaxW).toBeUndefined();
  });

  it("suggests the nearest ids for an unknown id", () => {
    const error = supernodeErrorOf(() => catalog.system("cloudmatrix"));
    expect(error.kind).toBe("unknown-id");
    expect(error.message).toContain("Did you mean cloudmatrix384");
    expect(supernodeErrorOf(() => catalog.chip("h10-sxm")).message).toMatch(/h100-sxm/);
  });

  it("builds clusters on a fabric", () => {
    const cluster = catalog.cluster({ system: "gb200-nvl72", count: 8 });
    expect(cluster.id).toBe("gb200-nvl72x8");
    expect(cluster.fabric.id).toBe("ib-ndr-fat-tree");
    expect(catalog.cluster({ system: "cloudmatrix384", count: 2 }).fabric.technology).toBe("roce");
    expect(supernodeErrorOf(() => catalog.cluster({ system: "gb200-nvl72", count: 0 })).kind).toBe(
      "invalid-value",
    );
    // 1e20 is an integer to JavaScript, but not a count it can hold exactly.
    expect(supernodeErrorOf(() => catalog.cluster({ system: "gb200-nvl72", count: 1e20 })).kind).toBe(
      "invalid-value",
    );
    expect(
      supernodeErrorOf(() => catalog.cluster({ system: "gb200-nvl72", count: 2, fabric: "ib-nd" })).message,
    ).toContain("ib-ndr-fat-tree");
  });
});

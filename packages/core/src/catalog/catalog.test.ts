import { describe, expect, it } from "vitest";
import type { Sourced } from "../spec/sourced.ts";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { builtinCatalog, extendCatalog } from "./catalog.ts";

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

describe("extendCatalog", () => {
  const base = builtinCatalog();
  it("derives CloudMatrix384 with half the UB bandwidth", () => {
    const text =
      "systems:\n  - id: cm384-half-ub\n    extends: cloudmatrix384\n    scaleUp:\n      linkGBps: 14\n";
    const mine = extendCatalog(base, text, "half.yaml");
    const system = mine.system("cm384-half-ub");
    expect(system.scaleUp.linkBandwidthBytesPerS.value).toBe(14e9);
    expect(system.scaleUp.linkBandwidthBytesPerS.tag).toBe("assumption");
    expect(system.scaleUp.linkBandwidthBytesPerS.sources[0]?.url).toBe("file:half.yaml");
    expect(system.nodes.value).toBe(48);
    expect(system.name).toBe("Huawei CloudMatrix384 (Atlas 900 A3 SuperPoD) (cm384-half-ub)");
    expect(system.origin).toEqual({ kind: "user", file: "half.yaml", extends: "cloudmatrix384" });
    expect(mine.system("cloudmatrix384").scaleUp.linkBandwidthBytesPerS.value).toBe(28e9);
    expect(base.chips().length).toBe(mine.chips().length);
  });

  it("derives a 910C at the 800-TFLOPS SKU and a system using it", () => {
    const text = [
      "sources:",
      "  wp: { title: Whitepaper, url: 'https://example.org/wp', section: '§6.5.1' }",
      "chips:",
      "  - id: npu-800",
      "    extends: ascend-910c",
      "    peakTflops: { fp16: { value: 800, source: wp }, bf16: { value: 800, source: wp } }",
      "systems:",
      "  - id: cm-800",
      "    extends: cloudmatrix384",
      "    node: { accelerator: { chip: npu-800 } }",
    ].join("\n");
    const mine = extendCatalog(base, text, "sku.yaml");
    const chip = mine.chip("npu-800");
    expect(chip.peakFlopsPerS.bf16?.value).toBe(800e12);
    expect(chip.peakFlopsPerS.bf16?.sources[0]).toEqual({
      key: "wp",
      title: "Whitepaper",
      url: "https://example.org/wp",
      section: "§6.5.1",
    });
    expect(chip.peakFlopsPerS.int8?.value).toBe(1500e12); // inherited with its source
    expect(mine.system("cm-800").node.accelerator).toMatchObject({
      count: { value: 8 },
      chip: { id: "npu-800" },
    });
  });

  it("takes a per-source section written after the key", () => {
    const text = [
      "sources:",
      "  a: { title: A, url: 'https://a', section: 'whole' }",
      "  b: { title: B, url: 'https://b' }",
      "chips:",
      "  - id: q",
      "    extends: h100-sxm",
      "    tdpW: { value: 650, source: ['a Table 2', b], section: '§1' }",
    ].join("\n");
    const sources = extendCatalog(base, text, "s.yaml").chip("q").tdpW?.sources;
    expect(sources?.map((s) => [s.key, s.section])).toEqual([
      ["a", "Table 2"],
      ["b", "§1"],
    ]);
  });

  it("can extend a definition from an earlier user file", () => {
    const first = extendCatalog(base, "chips:\n  - id: a\n    extends: h100-sxm\n    tdpW: 600\n", "a.yaml");
    const second = extendCatalog(
      first,
      "chips:\n  - id: b\n    extends: a\n    memory: { capacityGB: 96 }\n",
      "b.yaml",
    );
    expect(second.chip("b").tdpW?.value).toBe(600);
    expect(second.chip("b").memory.capacityBytes.value).toBe(96e9);
    expect(second.chip("b").memory.bandwidthBytesPerS.value).toBe(3.35e12);
  });

  it("a chip that re-rates its memory does not inherit its parent's addressable total", () => {
    const what = extendCatalog(
      base,
      "chips:\n  - id: gb200-80g\n    extends: gb200\n    memory: { capacityGB: 80 }\n  - id: gb200-same\n    extends: gb200\n    tdpW: 1000\n",
      "what-if.yaml",
    );
    expect(base.chip("gb200").memory.addressableBytes?.value).toBe(197.9e9);
    expect(what.chip("gb200-80g").memory.addressableBytes).toBeUndefined();
    expect(what.chip("gb200-80g").memory.capacityBytes.value).toBe(80e9);
    expect(what.chip("gb200-same").memory.addressableBytes?.value).toBe(197.9e9);
  });

  it("rejects an extends cycle", () => {
    const text = "chips:\n  - id: x\n    extends: y\n  - id: y\n    extends: x\n";
    const error = supernodeErrorOf(() => extendCatalog(base, text, "cycle.yaml"));
    expect(error.kind).toBe("invalid-value");
    expect(error.message).toMatch(
      /^cycle\.yaml:\d+:\d+, field chips\[\d\]\.extends: extends cycle: x → y → x/,
    );
    expect(
      supernodeErrorOf(() => extendCatalog(base, "chips:\n  - id: z\n    extends: z\n", "self.yaml")).message,
    ).toContain("extends cycle: z → z");
  });

  it("rejects an unknown parent with suggestions, at its line", () => {
    const error = supernodeErrorOf(() =>
      extendCatalog(base, "systems:\n  - id: q\n    extends: cloudmatrix-384\n", "p.yaml"),
    );
    expect(error.kind).toBe("unknown-id");
    expect(error.message).toBe(
      'p.yaml:3:14, field systems[0].extends: "cloudmatrix-384" is not a known system to extend. Did you mean cloudmatrix384?',
    );
  });

  it("rejects zero or negative bandwidth with the field path and unit", () => {
    const zero = supernodeErrorOf(() =>
      extendCatalog(
        base,
        "systems:\n  - id: q\n    extends: cloudmatrix384\n    scaleUp:\n      linkGBps: 0\n",
        "z.yaml",
      ),
    );
    expect(zero.message).toMatch(
      /^z\.yaml:5:17, field systems\[0\]\.scaleUp\.linkGBps(\.value)?: expected a positive number in GB\/s per direction/,
    );
    const negative = supernodeErrorOf(() =>
      extendCatalog(
        base,
        "chips:\n  - id: q\n    extends: h100-sxm\n    memory:\n      bandwidthGBps: { value: -1 }\n",
        "n.yaml",
      ),
    );
    expect(negative.message).toContain(
      "n.yaml:5:31, field chips[0].memory.bandwidthGBps.value: expected a positive number in GB/s",
    );
  });

  it("reports schema violations: missing fields, wrong types, unknown fields", () => {
    const missing = supernodeErrorOf(() => extendCatalog(base, "chips:\n  - id: q\n    name: Q\n", "m.yaml"));
    expect(missing.kind).toBe("schema");
    expect(missing.message).toMatch(/m\.yaml:2:\d+, field chips\[0\]\.vendor: expected a vendor name/);
    const typo = supernodeErrorOf(() =>
      extendCatalog(base, "chips:\n  - id: q\n    extends: h100-sxm\n    memroy: {}\n", "t.yaml"),
    );
    expect(typo.message).toContain('unknown field "memroy" in a chip: did you mean memory?');
    const badKind = supernodeErrorOf(() =>
      extendCatalog(
        base,
        "systems:\n  - id: q\n    extends: gb200-nvl72\n    scaleUp: { kind: ring }\n",
        "k.yaml",
      ),
    );
    expect(badKind.message).toContain("expected scaleUp.kind: two-tier-clos or single-tier-switch");
  });

  it("reports a YAML syntax error at file:line:col", () => {
    const error = supernodeErrorOf(() => extendCatalog(base, "chips:\n  - id: q\n    memory: [\n", "s.yaml"));
    expect(error.kind).toBe("syntax");
    expect(error.message).toMatch(/^s\.yaml:\d+:\d+: YAML\/JSON syntax error/);
  });

  it("rejects unknown source keys, duplicate and built-in ids, unknown chips", () => {
    expect(
      supernodeErrorOf(() =>
        extendCatalog(
          base,
          "sources: { nv: { title: T, url: 'https://x' } }\nchips:\n  - id: q\n    extends: h100-sxm\n    tdpW: { value: 1, source: nvv }\n",
          "u.yaml",
        ),
      ).message,
    ).toMatch(/u\.yaml:5:\d+, field chips\[0\]\.tdpW\.source: unknown source key "nvv".*Did you mean nv\?/);
    expect(
      supernodeErrorOf(() => extendCatalog(base, "chips:\n  - id: h100-sxm\n", "d.yaml")).message,
    ).toContain('chip id "h100-sxm" already exists in the catalog');
    expect(
      supernodeErrorOf(() =>
        extendCatalog(
          base,
          "systems:\n  - id: q\n    extends: hgx-h100\n    node: { accelerator: { chip: h1000 } }\n",
          "c.yaml",
        ),
      ).message,
    ).toMatch(/c\.yaml:4:\d+, field systems\[0\]\.node\.accelerator\.chip: unknown chip "h1000"/);
    expect(
      supernodeErrorOf(() =>
        extendCatalog(
          base,
          "systems:\n  - id: q\n    extends: hgx-h100\n    node: { accelerator: { chip: grace } }\n",
          "g.yaml",
        ),
      ).message,
    ).toContain("chip grace is a cpu, expected a accelerator here");
  });
});

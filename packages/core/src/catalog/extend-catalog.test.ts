// User hardware files on top of the built-in catalog (extendCatalog): derived chips and systems,
// per-source sections, and the errors a bad file gets (catalog.test.ts: the built-in catalog).
import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { builtinCatalog, extendCatalog } from "./catalog.ts";

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

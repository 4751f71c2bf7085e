import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import { buildTopology } from "../topology/build-topology.ts";
import { cloudmatrix384, gb200Nvl72, hgxH100 } from "../topology/test-support/fixtures.ts";
import { maxLinkLoad, topologyLayout } from "./topology-layout.ts";

const source = [{ key: "t", title: "test", url: "https://example.invalid/t" }];
/** The fixture with CloudMatrix384's 12 compute racks (references/hardware.md §1.3). */
const cm384 = {
  ...cloudmatrix384,
  racks: {
    compute: { value: 12, sources: source, tag: "spec" },
    network: { value: 4, sources: source, tag: "spec" },
  },
} as const;

describe("topologyLayout", () => {
  it("draws CloudMatrix384 as 12 racks of 4 nodes, 7 L2 planes and one bundle per L1 switch", () => {
    const layout = topologyLayout(buildTopology(cm384), cm384);
    const count = (kind: string) => layout.boxes.filter((b) => b.kind === kind).length;
    expect(count("rack")).toBe(12);
    expect(count("server")).toBe(48);
    expect(count("switch-group")).toBe(7);
    expect(layout.glyphs.filter((g) => g.kind === "rank")).toHaveLength(768);
    expect(layout.glyphs.filter((g) => g.kind === "cpu")).toHaveLength(192);
    // 48 nodes × 7 L1 switches inside the nodes + 7 planes × 16 L2 switches in the band.
    expect(layout.glyphs.filter((g) => g.kind === "switch")).toHaveLength(48 * 7 + 112);
    expect(layout.bundles).toHaveLength(48 * 7);
    // Each bundle joins one L1 switch to the 16 L2 switches of its plane, both directions.
    for (const bundle of layout.bundles) {
      expect(bundle.links).toHaveLength(32);
      expect(bundle.tier).toBe("scale-up-core");
      // Named by what it joins: the L1 switch and its plane's 16 L2 switches, not one of them.
      expect(bundle.label).toMatch(/^ub-l1 n\d+\.p(\d) ↔ L2 plane \1's 16 switches \(16 links\)$/);
    }
  });

  it("draws GB200 NVL72 as 18 trays joined to 18 shared NVLink switch chips", () => {
    const layout = topologyLayout(buildTopology(gb200Nvl72), gb200Nvl72);
    expect(layout.serverNoun).toBe("tray");
    expect(layout.boxes.filter((b) => b.kind === "server")).toHaveLength(18);
    expect(layout.glyphs.filter((g) => g.kind === "switch")).toHaveLength(18);
    expect(layout.glyphs.filter((g) => g.kind === "rank")).toHaveLength(72);
    expect(layout.bundles).toHaveLength(18 * 18);
    for (const bundle of layout.bundles) {
      expect(bundle.links).toHaveLength(8); // 4 GPUs × 2 directions
      expect(bundle.capacityBytesPerS).toBe(4 * 50e9); // per direction: 4 links of 50 GB/s
      // Named by the tray's 4 GPUs it starts from, not by the first of them.
      expect(bundle.label).toMatch(/^tray \d+'s 4 GPUs ↔ switch tray \d chip [01] \(4 links\)$/);
    }
  });

  it("draws NVL72's 18 switch chips in its 9 switch trays, 2 side by side in each", () => {
    const layout = topologyLayout(buildTopology(gb200Nvl72), gb200Nvl72);
    const trays = layout.boxes.filter((b) => b.kind === "switch-tray");
    expect(trays.map((t) => t.label)).toEqual(Array.from({ length: 9 }, (_, t) => `switch tray ${t}`));
    const switches = layout.glyphs.filter((g) => g.kind === "switch");
    for (const [t, tray] of trays.entries()) {
      const inside = switches.filter(
        (g) =>
          g.x >= tray.x &&
          g.x + g.size <= tray.x + tray.width &&
          g.y >= tray.y &&
          g.y + g.size <= tray.y + tray.height,
      );
      expect(inside.map((g) => g.label)).toEqual([`switch tray ${t} chip 0`, `switch tray ${t} chip 1`]);
      expect(inside[0]?.y).toBe(inside[1]?.y);
    }
    // Trays do not overlap.
    for (let t = 1; t < trays.length; t++)
      expect(trays[t]?.x ?? 0).toBeGreaterThan((trays[t - 1]?.x ?? 0) + (trays[t - 1]?.width ?? 0));
  });

  it("keeps an 8-GPU server's NVSwitches inside its box, with nothing to bundle", () => {
    const layout = topologyLayout(buildTopology(hgxH100), hgxH100);
    expect(layout.boxes.filter((b) => b.kind === "server")).toHaveLength(1);
    expect(layout.bundles).toHaveLength(0);
    expect(layout.glyphs.filter((g) => g.kind === "rank")).toHaveLength(8);
  });

  it("places every glyph inside the drawing", () => {
    for (const system of [cm384, cloudmatrix384, gb200Nvl72, hgxH100]) {
      const layout = topologyLayout(buildTopology(system), system);
      for (const g of layout.glyphs) {
        expect(g.x).toBeGreaterThanOrEqual(0);
        expect(g.y).toBeGreaterThanOrEqual(0);
        expect(g.x + g.size).toBeLessThanOrEqual(layout.width);
        expect(g.y + g.size).toBeLessThanOrEqual(layout.height);
      }
    }
  });

  it("reports the highest utilisation among a bundle's links", () => {
    expect(maxLinkLoad([0, 2, 3], [0.1, 0.9, 0.4, 0.2])).toBe(0.4);
    expect(maxLinkLoad([], [1])).toBe(0);
  });

  it("lays out the built-in systems from their catalog data", () => {
    const catalog = builtinCatalog();
    const count = (id: string, kind: string) => {
      const system = catalog.system(id);
      return topologyLayout(buildTopology(system), system).boxes.filter((b) => b.kind === kind).length;
    };
    expect(count("cloudmatrix384", "rack")).toBe(12);
    expect(count("cloudmatrix384", "server")).toBe(48);
    expect(count("cloudmatrix384", "switch-group")).toBe(7);
    expect(count("gb200-nvl72", "server")).toBe(18);
    for (const system of catalog.systems()) {
      const layout = topologyLayout(buildTopology(system), system);
      expect(layout.glyphs.filter((g) => g.kind === "rank").length).toBeGreaterThan(0);
      expect(layout.width).toBeGreaterThan(0);
    }
  });
});

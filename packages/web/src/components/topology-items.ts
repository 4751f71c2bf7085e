/**
 * The selectable things of a Topology drawing — switch chips, dies/GPUs, CPUs and bundles of
 * links — in keyboard order (the band of shared switches, then server by server, then bundles by
 * tier), and the facts the details panel shows for one of them.
 */
import type { LayoutBundle, LayoutGlyph, TopologyLayout } from "@supernode/core";

export type TopologyItem =
  | { readonly key: string; readonly type: "glyph"; readonly glyph: LayoutGlyph }
  | { readonly key: string; readonly type: "bundle"; readonly bundle: LayoutBundle; readonly index: number };

/** Tier names as the page says them. */
export const TIER_NAMES: Readonly<Record<string, string>> = {
  "die-to-die": "die to die",
  "scale-up-access": "device ↔ switch (scale-up access)",
  "scale-up-core": "switch ↔ switch (scale-up core)",
  cpu: "CPU attachment",
  "scale-out-access": "NIC ↔ leaf",
  "scale-out-core": "leaf ↔ spine",
  vpc: "VPC",
};

export const tierName = (tier: string): string => TIER_NAMES[tier] ?? tier;

/** The tiers of the drawn bundles, in the order they first appear, with their bundle counts. */
export function bundleTiers(layout: TopologyLayout): { tier: string; bundles: number }[] {
  const counts = new Map<string, number>();
  for (const b of layout.bundles) counts.set(b.tier, (counts.get(b.tier) ?? 0) + 1);
  return [...counts.entries()].map(([tier, bundles]) => ({ tier, bundles }));
}

/** Every item in keyboard order; bundles of hidden tiers are left out. */
export function topologyItems(layout: TopologyLayout, hiddenTiers: ReadonlySet<string>): TopologyItem[] {
  const glyphs = [...layout.glyphs].sort((a, b) => a.y - b.y || a.x - b.x);
  const items: TopologyItem[] = glyphs.map((glyph) => ({ key: `g${glyph.node}`, type: "glyph", glyph }));
  const byTier = new Map<string, TopologyItem[]>();
  layout.bundles.forEach((bundle, index) => {
    if (hiddenTiers.has(bundle.tier)) return;
    const list = byTier.get(bundle.tier) ?? [];
    list.push({ key: `b${index}`, type: "bundle", bundle, index });
    byTier.set(bundle.tier, list);
  });
  for (const list of byTier.values()) items.push(...list);
  return items;
}

function peakAndMean(links: readonly number[], loads: readonly number[]): { peak: number; mean: number } {
  let peak = 0;
  let sum = 0;
  for (const l of links) {
    const v = loads[l] ?? 0;
    peak = Math.max(peak, v);
    sum += v;
  }
  return { peak, mean: links.length > 0 ? sum / links.length : 0 };
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

export interface ItemDetails {
  readonly title: string;
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  /** Bundles touching a glyph, busiest first (a few), to jump to. */
  readonly related: readonly { readonly key: string; readonly label: string; readonly load?: number }[];
}

const KIND_NAMES = { rank: "die / GPU (rank)", cpu: "CPU", switch: "switch chip" } as const;

/** What the details panel says about `item`, with loads (0..1 per directed link) when present. */
export function itemDetails(
  item: TopologyItem,
  layout: TopologyLayout,
  loads: readonly number[] | undefined,
): ItemDetails {
  if (item.type === "bundle") {
    const b = item.bundle;
    const facts = [
      { label: "tier", value: tierName(b.tier) },
      { label: "links", value: `${b.links.length / 2} (each both directions)` },
      { label: "capacity per direction", value: `${(b.capacityBytesPerS / 1e9).toFixed(0)} GB/s` },
      ...(b.plane >= 0 ? [{ label: "plane", value: `${b.plane}` }] : []),
    ];
    if (loads !== undefined) {
      const { peak, mean } = peakAndMean(b.links, loads);
      facts.push(
        { label: "peak link load", value: pct(peak) },
        { label: "mean link load", value: pct(mean) },
      );
    }
    return { title: b.label, facts, related: [] };
  }
  const g = item.glyph;
  const own = new Set(g.links);
  const related = layout.bundles
    .map((b, index) => ({ b, index }))
    .filter(({ b }) => b.links.some((l) => own.has(l)))
    .map(({ b, index }) => ({
      key: `b${index}`,
      label: b.label,
      ...(loads === undefined ? {} : { load: peakAndMean(b.links, loads).peak }),
    }))
    .sort((a, b) => (b.load ?? 0) - (a.load ?? 0));
  const facts = [
    { label: "kind", value: KIND_NAMES[g.kind] },
    ...(g.plane >= 0 ? [{ label: "plane", value: `${g.plane}` }] : []),
    { label: "directed links drawn", value: `${g.links.length}` },
    { label: "bundles", value: `${related.length}` },
  ];
  if (loads !== undefined) {
    const { peak, mean } = peakAndMean(g.links, loads);
    facts.push({ label: "peak link load", value: pct(peak) }, { label: "mean link load", value: pct(mean) });
  }
  return { title: g.label, facts, related: related.slice(0, 5) };
}

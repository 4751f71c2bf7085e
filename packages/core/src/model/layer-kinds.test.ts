import { describe, expect, it } from "vitest";
import { compressRatio } from "./compressed-attention.ts";
import { sharesTopK } from "./layer-attention.ts";
import { hasMixer, isHashRoutedLayer, layerGroupIndex, layerGroups, layerKinds } from "./layer-kinds.ts";
import { isLinearAttentionLayer } from "./linear-attention.ts";
import { attentionWindow } from "./sliding-window.ts";
import { builtinModel, builtinModelIds } from "./zoo.ts";

describe("layerGroupIndex", () => {
  it("maps gpt-oss's alternating windowed and full layers to their groups", () => {
    expect(layerGroupIndex(builtinModel("gpt-oss-120b")).slice(0, 4)).toEqual([1, 0, 1, 0]);
  });

  it("puts every layer of every zoo model in the group of its own kind and attention variant", () => {
    for (const id of builtinModelIds()) {
      const arch = builtinModel(id);
      const groups = layerGroups(arch);
      const groupOf = layerGroupIndex(arch);
      const members = groups.map(() => [] as number[]);
      layerKinds(arch).forEach((kind, i) => {
        const g = groups[groupOf[i] ?? -1];
        expect(g, `${id} layer ${i}`).toBeDefined();
        expect(
          [g?.kind, g?.window, g?.linear, g?.compressRatio, g?.hashRouted, g?.noMixer, g?.sharedTopK],
          `${id} layer ${i}`,
        ).toEqual([
          kind,
          attentionWindow(arch, i),
          isLinearAttentionLayer(arch, i) ? true : undefined,
          compressRatio(arch, i),
          isHashRoutedLayer(arch, i) ? true : undefined,
          hasMixer(arch, i) ? undefined : true,
          sharesTopK(arch, i) ? true : undefined,
        ]);
        members[groupOf[i] ?? -1]?.push(i);
      });
      expect(
        members.map((m) => [m[0], m.length]),
        id,
      ).toEqual(groups.map((g) => [g.index, g.count]));
    }
  });
});

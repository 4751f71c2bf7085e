/**
 * A layer of one batch (no microbatches) where some items run beside each other and the rest in
 * series: the shared expert on a second stream (`shared-expert-stream.ts`), the fused
 * dispatch-experts-combine kernel (`fused-dispatch-combine.ts`). Each caller claims the items that
 * overlap and times them; every other item adds to the serial time:
 *   layer = Σ unclaimed items + overlapped time.
 */
import type { OperatorGroup } from "../deploy/index.ts";
import type { LayerItems, LayerTiming } from "./step-layer.ts";
import type { StepItem } from "./step-operators.ts";

/**
 * Walks the layer's items once at share 1: `claim` takes an item into the caller's overlapped set
 * (returns true) or leaves it serial; `overlappedS` then gives the claimed items' time.
 * @example composeOneBatchLayer(items, (g, i) => g === "experts", () => expertsS).layerS
 */
export function composeOneBatchLayer(
  source: LayerItems,
  claim: (group: OperatorGroup, item: StepItem) => boolean,
  overlappedS: () => number,
): LayerTiming {
  const items: StepItem[] = [];
  const byGroup: Partial<Record<OperatorGroup, number>> = {};
  let serialS = 0;
  source.groups.forEach((group, index) => {
    const item = source.item(index, 1);
    items.push(item);
    byGroup[group] = (byGroup[group] ?? 0) + item.timeS;
    if (!claim(group, item)) serialS += item.timeS;
  });
  const layerS = serialS + overlappedS();
  return { items, microbatches: 1, serialS: layerS, layerS, fillS: 0, byGroup };
}

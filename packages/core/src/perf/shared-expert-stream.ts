/**
 * The shared expert on a second stream of one batch (deployment `moe.sharedExpertStream`,
 * vLLM-Ascend `multistream_overlap_shared_expert`): the shared expert's operators run beside the
 * routed path — router, dispatch, routed experts, combine — of the same tokens, both from the
 * layer's MoE input, and the layer waits for both before the residual add. The two streams share
 * the device's memory bandwidth by demand (`stream-contention.ts`); each is timed on the whole
 * device, so contention for the cores themselves is not modelled (at decode both streams are
 * weight-streaming or fabric-bound: the shared expert reads its weights, the routed path waits on
 * MC2 transfers). Everything else stays serial:
 *   layer = Σ other items + makespan(routed path ‖ shared expert).
 */
import type { OperatorGroup } from "../deploy/index.ts";
import { composeOneBatchLayer } from "./one-batch-layer.ts";
import type { LayerItems, LayerTiming } from "./step-layer.ts";
import type { StepItem } from "./step-operators.ts";
import { runConcurrentStreams } from "./stream-contention.ts";

/**
 * Groups of the routed path in the order they run, which the shared expert's stream runs beside
 * (a layer lists its fabric items after its operators; the routed stream takes them in this order).
 */
const ROUTED: readonly OperatorGroup[] = ["moe-gate", "dispatch", "experts", "combine"];

/**
 * A layer with its shared expert on a second stream; a layer without a shared expert or without a
 * routed path composes as the plain sum.
 * @example composeSharedExpertStream(items).layerS // ≤ Σ item times
 */
export function composeSharedExpertStream(source: LayerItems): LayerTiming {
  const routed: StepItem[][] = ROUTED.map(() => []);
  const shared: StepItem[] = [];
  return composeOneBatchLayer(
    source,
    (group, item) => {
      const path = ROUTED.indexOf(group);
      if (group === "shared-experts") shared.push(item);
      else if (path >= 0) routed[path]?.push(item);
      else return false;
      return true;
    },
    () => runConcurrentStreams([routed.flat(), shared]).makespanS,
  );
}

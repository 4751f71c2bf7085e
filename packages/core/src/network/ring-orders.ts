/**
 * The order of ranks each ring channel walks (flow engine schedules, `schedules.ts`): rotated per
 * channel so that, across systems, each channel crosses through a different rank and NIC.
 */
import type { FabricModel } from "./fabric-model.ts";
import { ringCrossing } from "./nccl-ring.ts";

/**
 * Ring orders: one per channel. Across systems, the ranks in groups (a server, or for NCCL an
 * NVLink domain of several servers: `ringCrossing`), one channel per crossing rank of a group,
 * rotated so each channel crosses through a different NIC.
 * @example ringOrders(fabricModel(twoHgxH100), [...Array(16).keys()], true).length // 8: a channel per GPU of a server
 */
export function ringOrders(model: FabricModel, ranks: readonly number[], spansSystems: boolean): number[][] {
  const { group: g, channels } = ringCrossing(model, ranks.length);
  if (!spansSystems || ranks.length % g !== 0) return [ranks.slice()];
  const rails = model.ranksPerServer;
  const orders: number[][] = [];
  for (let r = 0; r < channels; r++) {
    const order: number[] = [];
    for (let s = 0; s < ranks.length / g; s++) {
      const at = (i: number) => ranks[s * g + (((i % g) + g) % g)] ?? 0;
      if (g <= rails) {
        // server s is entered at local rank (r - s) and left at (r - s - 1): the next server is
        // entered on the rail it was left on (rail-aligned crossing, as NCCL arranges with PXN)
        for (let i = 0; i < g; i++) order.push(at(r - s + i));
      } else {
        // a domain of several servers is entered at local rank r + rails·s and left at the GPU of
        // the same rail one server further (every crossing, the wrap included, stays on its rail);
        // the domain's other ranks are walked in order between the two
        const enter = r + rails * s;
        const leave = enter + rails;
        order.push(at(enter));
        for (let i = 1; i < g; i++) if (i !== rails) order.push(at(enter + i));
        order.push(at(leave));
      }
    }
    orders.push(order);
  }
  return orders;
}

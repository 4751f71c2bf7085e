/**
 * Max-min fair sharing of link bandwidth among concurrent sub-flows, by progressive filling
 * (water-filling), with event-driven completion: rates are recomputed each time sub-flows finish.
 * Everything in typed arrays; no allocation inside the loops.
 */

export interface FlowProblem {
  /** Capacity of each resource (links, then any virtual per-source caps), bytes/s. */
  readonly capacity: Float64Array;
  readonly flowCount: number;
  /** Resources of flow f: resources[offset[f] .. offset[f+1]). */
  readonly offset: Int32Array;
  readonly resources: Int32Array;
  readonly bytes: Float64Array;
}

export interface FlowSolution {
  /** Completion time of each flow, seconds from the start. */
  readonly finishS: Float64Array;
  /** Bytes carried by each resource. */
  readonly carried: Float64Array;
  /** Rate of each flow in the first allocation (before any completion). */
  readonly initialRate: Float64Array;
  readonly events: number;
}

/** The flows of each resource, in compressed rows: flows[offset[r] .. offset[r+1]). */
function flowsByResource(p: FlowProblem): { offset: Int32Array; flows: Int32Array } {
  const R = p.capacity.length;
  const offset = new Int32Array(R + 1);
  for (let i = 0; i < p.resources.length; i++) {
    const r = p.resources[i] as number;
    offset[r + 1] = (offset[r + 1] as number) + 1;
  }
  for (let r = 0; r < R; r++) offset[r + 1] = (offset[r + 1] as number) + (offset[r] as number);
  const fill = offset.slice(0, R);
  const flows = new Int32Array(p.resources.length);
  for (let f = 0; f < p.flowCount; f++)
    for (let k = p.offset[f] as number; k < (p.offset[f + 1] as number); k++) {
      const r = p.resources[k] as number;
      flows[fill[r] as number] = f;
      fill[r] = (fill[r] as number) + 1;
    }
  return { offset, flows };
}

/** The arrays the water-filling works in (allocated once per solve). */
interface FillState {
  readonly p: FlowProblem;
  readonly rOff: Int32Array;
  readonly rFlows: Int32Array;
  readonly active: Uint8Array;
  readonly frozen: Uint8Array;
  readonly rate: Float64Array;
  readonly capLeft: Float64Array;
  readonly count: Int32Array;
  readonly activeCount: Int32Array;
  readonly usedRes: Int32Array;
  readonly nUsed: number;
  readonly scan: Int32Array;
}

/** Max-min fair rates of the `live` active flows, by progressive filling, into `s.rate`. */
function waterFill(s: FillState, live: number): void {
  const { p, rOff, rFlows, active, frozen, rate, capLeft, count, activeCount, usedRes, scan } = s;
  let nScan = 0;
  for (let i = 0; i < s.nUsed; i++) {
    const r = usedRes[i] as number;
    const c = activeCount[r] as number;
    count[r] = c;
    capLeft[r] = p.capacity[r] as number;
    if (c > 0) scan[nScan++] = r;
  }
  frozen.fill(0);
  let unfrozen = live;
  while (unfrozen > 0 && nScan > 0) {
    let share = Number.POSITIVE_INFINITY;
    for (let i = 0; i < nScan; i++) {
      const r = scan[i] as number;
      const c = count[r] as number;
      if (c > 0) {
        const fair = (capLeft[r] as number) / c;
        if (fair < share) share = fair;
      }
    }
    if (!Number.isFinite(share)) break;
    const limit = share * (1 + 1e-12) + 1e-300;
    // freeze the flows of every resource at the fair share; keep the others for the next round
    let kept = 0;
    for (let i = 0; i < nScan; i++) {
      const r = scan[i] as number;
      const c = count[r] as number;
      if (c === 0) continue;
      if ((capLeft[r] as number) / c > limit) {
        scan[kept++] = r;
        continue;
      }
      for (let k = rOff[r] as number; k < (rOff[r + 1] as number); k++) {
        const f = rFlows[k] as number;
        if (active[f] === 0 || frozen[f] === 1) continue;
        frozen[f] = 1;
        rate[f] = share;
        unfrozen--;
        for (let q = p.offset[f] as number; q < (p.offset[f + 1] as number); q++) {
          const r2 = p.resources[q] as number;
          const left = (capLeft[r2] as number) - share;
          capLeft[r2] = Math.max(left, 0);
          count[r2] = (count[r2] as number) - 1;
        }
      }
    }
    nScan = kept;
  }
}

/** Every flow completes, so each resource carries the bytes of all its flows. */
function carriedBytes(p: FlowProblem): Float64Array {
  const carried = new Float64Array(p.capacity.length);
  for (let f = 0; f < p.flowCount; f++)
    for (let q = p.offset[f] as number; q < (p.offset[f + 1] as number); q++) {
      const r = p.resources[q] as number;
      carried[r] = (carried[r] as number) + (p.bytes[f] as number);
    }
  return carried;
}

/**
 * Simulates the flows to completion.
 * @example solveMaxMin({ capacity: Float64Array.of(10), flowCount: 2, offset: Int32Array.of(0, 1, 2), resources: Int32Array.of(0, 0), bytes: Float64Array.of(10, 20) }).finishS // [2, 3]
 */
export function solveMaxMin(p: FlowProblem): FlowSolution {
  const R = p.capacity.length;
  const F = p.flowCount;
  const { offset: rOff, flows: rFlows } = flowsByResource(p);
  const remaining = Float64Array.from(p.bytes);
  const finish = new Float64Array(F);
  const rate = new Float64Array(F);
  const initialRate = new Float64Array(F);
  const active = new Uint8Array(F);
  const activeCount = new Int32Array(R);
  const usedRes = new Int32Array(R);
  let nUsed = 0;
  let live = 0;
  for (let f = 0; f < F; f++)
    if ((p.bytes[f] as number) > 0) {
      active[f] = 1;
      live++;
      for (let q = p.offset[f] as number; q < (p.offset[f + 1] as number); q++) {
        const r = p.resources[q] as number;
        activeCount[r] = (activeCount[r] as number) + 1;
      }
    }
  for (let r = 0; r < R; r++) if ((activeCount[r] as number) > 0) usedRes[nUsed++] = r;
  const state: FillState = {
    p,
    rOff,
    rFlows,
    active,
    frozen: new Uint8Array(F),
    rate,
    capLeft: new Float64Array(R),
    count: new Int32Array(R),
    activeCount,
    usedRes,
    nUsed,
    scan: new Int32Array(R),
  };
  let now = 0;
  let events = 0;
  while (live > 0) {
    waterFill(state, live);
    if (events === 0) initialRate.set(rate);
    // advance to the next completion(s)
    let dt = Number.POSITIVE_INFINITY;
    for (let f = 0; f < F; f++)
      if (active[f] === 1) {
        const t = (remaining[f] as number) / (rate[f] as number);
        if (t < dt) dt = t;
      }
    if (!Number.isFinite(dt)) throw new Error("max-min: a flow has no capacity (rate 0)");
    now += dt;
    events++;
    const eps = dt * 1e-9;
    for (let f = 0; f < F; f++) {
      if (active[f] === 0) continue;
      const r = rate[f] as number;
      const left = (remaining[f] as number) - r * dt;
      remaining[f] = left;
      if (left <= r * eps + 1e-9) {
        active[f] = 0;
        finish[f] = now;
        live--;
        for (let q = p.offset[f] as number; q < (p.offset[f + 1] as number); q++) {
          const r2 = p.resources[q] as number;
          activeCount[r2] = (activeCount[r2] as number) - 1;
        }
      }
    }
  }
  return { finishS: finish, carried: carriedBytes(p), initialRate, events };
}

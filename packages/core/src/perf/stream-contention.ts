/**
 * Concurrent streams on one device that share its memory bandwidth (HBM).
 *
 * Cores can be partitioned between streams (CloudMatrix-Infer gives the attention stream 16 of 24
 * AIC), memory bandwidth cannot: both streams draw on the same HBM. Each stream is a sequence of
 * items; an item first pays its launch overhead (no memory traffic), then does its work: `computeS`
 * of compute on the stream's cores and `memoryS` of traffic at the device's whole bandwidth. Alone,
 * an item takes `overheadS + max(computeS, memoryS)` (the roofline). Run together, the bandwidth is
 * shared max-min fairly by demand: an item asks for the fraction `memoryS / computeS` of the whole
 * bandwidth that keeps its cores busy (capped at 1, i.e. a memory-bound item asks for all of it);
 * an item that asks less than an equal split gets all it asks, and the rest goes to the others. An
 * item given the fraction f progresses at min(1 / computeS, f / memoryS) of itself per second.
 * Fabric transfers (dispatch, combine, collectives) run on copy/NIC engines: `memoryS = 0`.
 *
 * The simulation is event driven (one event per item phase), deterministic and allocation-light.
 */

/** What the contention model needs of an item. */
export interface ContendedItem {
  readonly overheadS: number;
  readonly computeS: number;
  readonly memoryS: number;
}

export interface ContentionResult {
  /** Finish time of each stream when all start together. */
  readonly finishS: readonly number[];
  /** Each stream's time alone on the device (Σ overhead + max(compute, memory)). */
  readonly aloneS: readonly number[];
  /** Time until the last stream finishes. */
  readonly makespanS: number;
}

/** Time of an item alone on the device. @example itemAloneS({ overheadS: 1, computeS: 2, memoryS: 3 }) === 4 */
export function itemAloneS(item: ContendedItem): number {
  return item.overheadS + Math.max(item.computeS, item.memoryS);
}

/**
 * Max-min fair shares of a capacity of 1 among demands (each capped at 1).
 * @example fairShares([0.2, 1, 1]) // [0.2, 0.4, 0.4]
 */
export function fairShares(demands: readonly number[]): number[] {
  const out = new Array<number>(demands.length).fill(0);
  fairSharesInto(demands, new Array<number>(demands.length).fill(0), out);
  return out;
}

/**
 * `fairShares` into `out`, with `order` as scratch (both at least as long as `demands`): the
 * demands in increasing order (ties in index order, as a stable sort), each given the smaller of
 * its demand and an equal split of what is left.
 */
function fairSharesInto(demands: readonly number[], order: number[], out: number[]): void {
  const n = demands.length;
  for (let i = 0; i < n; i++) {
    const d = demands[i] ?? 0;
    let j = i;
    while (j > 0 && (demands[order[j - 1] as number] ?? 0) > d) {
      order[j] = order[j - 1] as number;
      j--;
    }
    order[j] = i;
  }
  let capacity = 1;
  let left = n;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const give = Math.min(Math.min(demands[i] ?? 0, 1), capacity / left);
    out[i] = give;
    capacity -= give;
    left -= 1;
  }
}

const EPS = 0;
const TINY_S = 1e-18;

/**
 * A phase shorter than an attosecond is no phase: its ratio to the other phase would be a
 * subnormal number whose division loses precision (4e-323 s of traffic beside 0.16 µs of compute
 * came out 3e-9 slower than the compute alone).
 */
function significantS(seconds: number): number {
  return seconds > TINY_S ? seconds : 0;
}

/**
 * Runs the streams together from time 0, sharing the memory bandwidth by demand.
 * @example
 * runConcurrentStreams([[{ overheadS: 0, computeS: 0, memoryS: 1 }], [{ overheadS: 0, computeS: 0, memoryS: 1 }]]).makespanS // 2
 */
export function runConcurrentStreams(streams: readonly (readonly ContendedItem[])[]): ContentionResult {
  const n = streams.length;
  const aloneS: number[] = [];
  for (const items of streams) aloneS.push(items.reduce((a, it) => a + itemAloneS(it), 0));
  // Scratch kept per stream count and cleared here: this runs for every overlapped layer of every
  // step the model times, and fresh arrays per call would make a 10,000-point sweep allocate ~0.5 GB.
  const { index, overheadLeft, workLeft, done, demands, rates, shares, order } = scratchFor(n);
  index.fill(0);
  overheadLeft.fill(0);
  workLeft.fill(0);
  done.fill(0);
  demands.fill(0);
  rates.fill(0);
  shares.fill(0);
  order.fill(0);
  const finishS: number[] = [];
  for (let s = 0; s < n; s++) finishS.push(0);
  let running = n; // streams not done
  const load = (s: number) => {
    const items = streams[s] ?? [];
    while ((index[s] as number) < items.length) {
      const it = items[index[s] as number] as ContendedItem;
      // Items shorter than an attosecond are empty (and would give infinite rates).
      if (itemAloneS(it) > TINY_S) {
        overheadLeft[s] = it.overheadS;
        workLeft[s] = Math.max(it.computeS, it.memoryS) > TINY_S ? 1 : 0;
        return;
      }
      index[s] = (index[s] as number) + 1;
    }
    done[s] = 1;
    running--;
  };
  for (let s = 0; s < n; s++) load(s);
  let now = 0;
  for (let guard = 0; guard < 1_000_000 && running > 0; guard++) {
    // Demands of the streams in their work phase.
    for (let s = 0; s < n; s++) {
      demands[s] = 0;
      if (done[s] === 1 || (overheadLeft[s] as number) > EPS) continue;
      const it = (streams[s] ?? [])[index[s] as number] as ContendedItem;
      const memoryS = significantS(it.memoryS);
      const computeS = significantS(it.computeS);
      demands[s] = memoryS === 0 ? 0 : computeS === 0 ? 1 : Math.min(1, memoryS / computeS);
    }
    fairSharesInto(demands, order, shares);
    let dt = Number.POSITIVE_INFINITY;
    for (let s = 0; s < n; s++) {
      rates[s] = 0;
      if (done[s] === 1) continue;
      if ((overheadLeft[s] as number) > EPS) {
        dt = Math.min(dt, overheadLeft[s] as number);
        continue;
      }
      const it = (streams[s] ?? [])[index[s] as number] as ContendedItem;
      const computeS = significantS(it.computeS);
      const memoryS = significantS(it.memoryS);
      const computeRate = computeS > 0 ? 1 / computeS : Number.POSITIVE_INFINITY;
      const memoryRate = memoryS > 0 ? (shares[s] ?? 0) / memoryS : Number.POSITIVE_INFINITY;
      const rate = Math.min(computeRate, memoryRate);
      rates[s] = rate;
      if (rate > 0) dt = Math.min(dt, (workLeft[s] as number) / rate);
    }
    if (!Number.isFinite(dt)) break; // nothing can progress (cannot happen with capacity 1)
    now += dt;
    for (let s = 0; s < n; s++) {
      if (done[s] === 1) continue;
      if ((overheadLeft[s] as number) > EPS) {
        overheadLeft[s] = (overheadLeft[s] as number) - dt;
        if ((overheadLeft[s] as number) <= EPS) {
          overheadLeft[s] = 0;
          if ((workLeft[s] as number) <= 0) advance(s);
        }
        continue;
      }
      workLeft[s] = (workLeft[s] as number) - (rates[s] as number) * dt;
      if ((workLeft[s] as number) <= 1e-12) advance(s);
    }
  }
  function advance(s: number): void {
    index[s] = (index[s] as number) + 1;
    load(s);
    if (done[s] === 1) finishS[s] = now;
  }
  return { finishS, aloneS, makespanS: Math.max(0, ...finishS) };
}

/** Per stream: position, remaining overhead (seconds) and work (fraction of the current item), … */
interface Scratch {
  readonly index: Int32Array;
  readonly overheadLeft: Float64Array;
  readonly workLeft: Float64Array;
  readonly done: Uint8Array;
  readonly demands: number[];
  readonly rates: Float64Array;
  readonly shares: number[];
  readonly order: number[];
}

/** Scratch of `runConcurrentStreams` by stream count (not re-entered: it calls nothing that runs streams). */
const scratch: Scratch[] = [];

function scratchFor(n: number): Scratch {
  let s = scratch[n];
  if (s === undefined) {
    s = {
      index: new Int32Array(n),
      overheadLeft: new Float64Array(n),
      workLeft: new Float64Array(n),
      done: new Uint8Array(n),
      demands: new Array<number>(n).fill(0),
      rates: new Float64Array(n),
      shares: new Array<number>(n).fill(0),
      order: new Array<number>(n).fill(0),
    };
    scratch[n] = s;
  }
  return s;
}

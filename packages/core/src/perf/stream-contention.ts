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
  return aloneTimeS(item.overheadS, item.computeS, item.memoryS);
}

/** An item's time alone from its three times: its overhead, then the longer of compute and memory. */
function aloneTimeS(overheadS: number, computeS: number, memoryS: number): number {
  return overheadS + Math.max(computeS, memoryS);
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
function fairSharesInto(demands: ArrayLike<number>, order: number[], out: number[] | Float64Array): void {
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
  // Scratch kept per stream count and cleared here: this runs for every overlapped layer of every
  // step the model times, and fresh arrays per call would make a 10,000-point sweep allocate ~0.5 GB.
  // Demands and shares are Float64Arrays: as plain arrays their fractions were stored boxed, a heap
  // number per write (≈ 1.8 kB per call of two streams of nine items).
  const sc = scratchFor(n);
  const { index, overheadLeft, workLeft, done, demands, rates, shares, order, first } = sc;
  // Each item's overhead, compute and memory seconds, copied once into a typed array: the items
  // come in several shapes (operators, collectives, with or without tensorS), so reading a field
  // of one is a megamorphic load that boxes a new heap number, and the loop below reads each item
  // once per event (≈ 2 kB of garbage per call before the copy).
  let count = 0;
  for (const items of streams) count += items.length;
  const times = itemTimes(sc, 3 * count);
  const aloneS: number[] = [];
  let j = 0;
  for (let s = 0; s < n; s++) {
    first[s] = j;
    let sum = 0;
    for (const it of streams[s] ?? []) {
      const overheadS = it.overheadS;
      const computeS = it.computeS;
      const memoryS = it.memoryS;
      times[3 * j] = overheadS;
      times[3 * j + 1] = computeS;
      times[3 * j + 2] = memoryS;
      sum += aloneTimeS(overheadS, computeS, memoryS);
      j++;
    }
    aloneS.push(sum);
  }
  first[n] = j;
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
  // The clock and the count of running streams are locals (a number captured by a closure lives in
  // a heap context, and each new value of the clock was a new heap number).
  let running = n; // streams not done
  for (let s = 0; s < n; s++) if (!loadItem(times, s, sc)) running--;
  let now = 0;
  for (let guard = 0; guard < 1_000_000 && running > 0; guard++) {
    // Demands of the streams in their work phase.
    for (let s = 0; s < n; s++) {
      demands[s] = 0;
      if (done[s] === 1 || (overheadLeft[s] as number) > EPS) continue;
      const at = 3 * ((first[s] as number) + (index[s] as number));
      const memoryS = significantS(times[at + 2] as number);
      const computeS = significantS(times[at + 1] as number);
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
      const at = 3 * ((first[s] as number) + (index[s] as number));
      const computeS = significantS(times[at + 1] as number);
      const memoryS = significantS(times[at + 2] as number);
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
      let finished = false;
      if ((overheadLeft[s] as number) > EPS) {
        overheadLeft[s] = (overheadLeft[s] as number) - dt;
        if ((overheadLeft[s] as number) <= EPS) {
          overheadLeft[s] = 0;
          finished = (workLeft[s] as number) <= 0;
        }
      } else {
        workLeft[s] = (workLeft[s] as number) - (rates[s] as number) * dt;
        finished = (workLeft[s] as number) <= 1e-12;
      }
      // The stream's item is done: on to its next one; the stream is done when none is left.
      if (finished) {
        index[s] = (index[s] as number) + 1;
        if (!loadItem(times, s, sc)) {
          running--;
          finishS[s] = now;
        }
      }
    }
  }
  let makespanS = 0;
  for (const f of finishS) makespanS = Math.max(makespanS, f);
  return { finishS, aloneS, makespanS };
}

/**
 * Loads stream `s`'s item at its position (skipping items shorter than an attosecond, which are
 * empty and would give infinite rates); false when none is left (the stream is marked done).
 */
function loadItem(times: Float64Array, s: number, sc: Scratch): boolean {
  const { index, first } = sc;
  const start = first[s] as number;
  const length = (first[s + 1] as number) - start;
  while ((index[s] as number) < length) {
    const at = 3 * (start + (index[s] as number));
    const overheadS = times[at] as number;
    const computeS = times[at + 1] as number;
    const memoryS = times[at + 2] as number;
    if (aloneTimeS(overheadS, computeS, memoryS) > TINY_S) {
      sc.overheadLeft[s] = overheadS;
      sc.workLeft[s] = Math.max(computeS, memoryS) > TINY_S ? 1 : 0;
      return true;
    }
    index[s] = (index[s] as number) + 1;
  }
  sc.done[s] = 1;
  return false;
}

/** The scratch's item times, grown (doubled) when a call has more items than it holds. */
function itemTimes(sc: Scratch, length: number): Float64Array {
  if (sc.times.length < length) sc.times = new Float64Array(Math.max(length, 2 * sc.times.length));
  return sc.times;
}

/** Per stream: position, remaining overhead (seconds) and work (fraction of the current item), … */
interface Scratch {
  readonly index: Int32Array;
  readonly overheadLeft: Float64Array;
  readonly workLeft: Float64Array;
  readonly done: Uint8Array;
  readonly demands: Float64Array;
  readonly rates: Float64Array;
  readonly shares: Float64Array;
  readonly order: number[];
  /** Where each stream's items start in `times` (n + 1 entries: the last is the item count). */
  readonly first: Int32Array;
  /** Overhead, compute and memory seconds of every item, stream after stream. */
  times: Float64Array;
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
      demands: new Float64Array(n),
      rates: new Float64Array(n),
      shares: new Float64Array(n),
      order: new Array<number>(n).fill(0),
      first: new Int32Array(n + 1),
      times: new Float64Array(192),
    };
    scratch[n] = s;
  }
  return s;
}

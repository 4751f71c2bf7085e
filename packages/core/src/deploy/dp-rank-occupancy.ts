/**
 * Slot occupancy of attention-DP ranks when requests are placed on ranks at random.
 *
 * An engine with attention DP runs each request on one DP rank. SGLang under prefill/decode
 * disaggregation places a request on rank `bootstrap_room % dp`, and its router draws the
 * bootstrap room at random, so the placement is uniform and blind to load; each rank runs at most
 * `slots` requests (SGLang: `--max-running-requests` divided by the DP size) and queues the rest
 * first come, first served. When a benchmark keeps exactly as many requests in flight as there
 * are slots, some ranks hold a queue while others have idle slots, and the instance produces
 * fewer tokens than a full batch on every rank would.
 *
 * The steady state is simulated: `requests` clients, each sending its next request the moment the
 * previous one finishes (no think time), every request decoded for the same time (equal output
 * lengths), placed on a uniformly random rank; the clients start at random moments. The result is
 * the time-averaged fraction of slots busy. Deterministic: a fixed seed.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { BoundedMemo } from "../spec/index.ts";

export interface RandomPlacement {
  /** Attention-DP ranks of the instance. */
  readonly ranks: number;
  /** Requests one rank runs at once (its batch). */
  readonly slotsPerRank: number;
  /** Requests in flight for the instance (the benchmark's concurrency). */
  readonly requests: number;
}

/** Requests finished in the measured window (its length in service times follows from it). */
const EVENTS = 100_000;
/** Service times discarded at the start (the clients all start within the first one). */
const WARMUP = 4;
const SEED = 20251204;

/** Keyed by the request count: bounded for long sweeps. */
const cache = new BoundedMemo<number>(10_000);

/**
 * Time-averaged fraction of the instance's slots that hold a running request (0–1].
 * @example randomPlacementOccupancy({ ranks: 16, slotsPerRank: 2, requests: 32 }) // ≈ 0.70
 * @example randomPlacementOccupancy({ ranks: 1, slotsPerRank: 4, requests: 4 }) // 1
 */
export function randomPlacementOccupancy(p: RandomPlacement): number {
  const key = `${p.ranks}|${p.slotsPerRank}|${p.requests}`;
  return cache.get(key, () => simulate(p));
}

function simulate({ ranks, slotsPerRank, requests }: RandomPlacement): number {
  const slots = ranks * slotsPerRank;
  if (ranks <= 1) return Math.min(1, requests / slots);
  const g = xoroshiro128plus(SEED);
  const rank = () => Math.min(ranks - 1, Math.floor((g.next() >>> 0) * 2 ** -32 * ranks));
  const running = new Int32Array(ranks);
  const queued = new Int32Array(ranks);
  // Finish times of the running requests (at most one per slot) with their ranks, in a ring: equal
  // service times make it a FIFO queue.
  const finishAt = new Float64Array(slots);
  const finishRank = new Int32Array(slots);
  let head = 0;
  let size = 0;
  const push = (t: number, r: number) => {
    const at = (head + size) % slots;
    finishAt[at] = t;
    finishRank[at] = r;
    size++;
  };
  /** Places a request sent at `t`; 1 when it starts at once, 0 when it queues. */
  const place = (t: number): number => {
    const r = rank();
    if ((running[r] as number) < slotsPerRank) {
      running[r] = (running[r] as number) + 1;
      push(t + 1, r);
      return 1;
    }
    queued[r] = (queued[r] as number) + 1;
    return 0;
  };
  // The clients start at random moments within one service time (sorted, so that the finish
  // times stay in order: every later request finishes one unit after an earlier finish).
  const starts = Array.from({ length: requests }, () => (g.next() >>> 0) * 2 ** -32).sort((a, b) => a - b);
  let busy = 0;
  for (const t of starts) busy += place(t);
  let busyArea = 0;
  let last = 0;
  const horizon = Math.max(4, EVENTS / requests);
  const end = WARMUP + horizon;
  while (size > 0) {
    const t = finishAt[head] as number;
    const r = finishRank[head] as number;
    head = (head + 1) % slots;
    size--;
    if (t > end) break;
    if (t > WARMUP) busyArea += busy * (t - Math.max(last, WARMUP));
    last = t;
    // The finished request frees its slot; a request queued at this rank takes it.
    if ((queued[r] as number) > 0) {
      queued[r] = (queued[r] as number) - 1;
      push(t + 1, r);
    } else {
      running[r] = (running[r] as number) - 1;
      busy--;
    }
    // Its client sends the next request at once, to a random rank.
    busy += place(t);
  }
  if (last < end) busyArea += busy * (end - Math.max(last, WARMUP));
  return busyArea / horizon / slots;
}

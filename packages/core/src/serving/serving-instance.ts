/**
 * The state of one serving instance (a prefill, decode or colocated model replica): its queues,
 * the sequences it is prefilling and decoding, its paged KV cache in tokens, its HBM prefix cache,
 * the iteration in flight and its statistics. The scheduling logic lives in the batch scheduler and
 * the iteration cycle; this file keeps the bookkeeping that must stay consistent (KV use, the
 * decode set as a linear function of the step counter).
 *
 * The decode set is summarised so that a step costs O(1) regardless of batch size: every decoding
 * sequence's context grows linearly with the instance's step counter, so the total context at step
 * s is `contextBase + contextRate × s`; each sequence's finishing step is known when it joins and
 * kept in a min-heap.
 */
import FlatQueue from "flatqueue";
import type { InstancePerformance } from "../perf/index.ts";
import type { AttentionDpBalanceState } from "./attention-dp-balance.ts";
import type { PrefixCache } from "./prefix-cache.ts";
import { RequestDeque, type RequestPool } from "./request-pool.ts";

export type InstanceRole = "prefill" | "decode" | "colocated";

export class ServingInstance {
  /** Waiting for prefill, one FIFO per priority level (index 0 served first). */
  readonly waiting: RequestDeque[];
  waitingCount = 0;
  /** Transferred from prefill, waiting for a decode slot. */
  readonly decodeWaiting = new RequestDeque();
  /** Swapped out to host memory, waiting to come back. */
  readonly swapped = new RequestDeque();
  /** Requests admitted to prefill and not yet complete (chunked prefill spans iterations). */
  active: number[] = [];

  readonly finishHeap = new FlatQueue<number>();
  decoding = 0;
  contextBase = 0;
  contextRate = 0;
  /** Decode steps completed. */
  step = 0;
  /** Most recently joined decoding sequence (preempted first) and the oldest. */
  tail = -1;
  head = -1;

  /** KV tokens reserved by prefill-stage sequences (prefilling, or held until transferred). */
  kvHeld = 0;
  /** Requests routed here and not yet finished with this instance. */
  outstanding = 0;
  /** KV bytes the iteration being formed fetches from the pooled tier (its new requests' prefixes). */
  fetchBytes = 0;
  /** Requests in KV transfer towards this (decode) instance. */
  incoming = 0;

  busy = false;
  /** True while the engine forms this instance's next iteration (new work must not re-enter). */
  scheduling = false;
  /** Increments to cancel the pending iteration-end event. */
  version = 0;
  iterationKind: "prefill" | "decode" | "mixed" = "decode";
  iterationStartS = 0;
  iterationEndS = 0;
  /** Decode-only windows: steps covered, and whether the window was cut short for new work. */
  windowStartStep = 0;
  windowSteps = 0;
  windowShortened = false;
  /** Overhead charged before the window's first step, and its step time f(j) = f0 + slope·j + curve·j². */
  windowOverheadS = 0;
  windowF0 = 0;
  windowSlope = 0;
  windowCurve = 0;
  /** Overhead (swap transfers) charged to the next iteration. */
  pendingOverheadS = 0;
  /** The prefill part of the iteration in flight. */
  batchIds = new Int32Array(256);
  batchChunks = new Int32Array(256);
  batchCount = 0;
  batchDecodes = 0;

  transferFreeS = 0;

  /** Counters of the attention-DP context balancing rule (attention-dp-balance.ts). */
  readonly adpBalance: AttentionDpBalanceState = {
    waitingIterations: 0,
    batchingIterations: 0,
    batchingHold: false,
  };

  iterations = 0;
  decodeSteps = 0;
  busyS = 0;
  kvArea = 0;
  kvPeak = 0;
  private kvLastS = 0;

  constructor(
    readonly id: number,
    readonly role: InstanceRole,
    readonly perf: InstancePerformance,
    /** KV tokens available to running sequences. */
    readonly kvCapacity: number,
    readonly maxSequences: number,
    readonly halfBlockTokens: number,
    priorityLevels: number,
    readonly hbmCache: PrefixCache | undefined,
    /** New tokens one prefill iteration may take (the pool's budget, else the scheduler's). */
    readonly tokenBudget: number,
  ) {
    this.waiting = Array.from({ length: priorityLevels }, () => new RequestDeque());
  }

  /** Decode steps completed by `nowS`, counting those of a window in flight (for sampling). */
  stepAt(nowS: number): number {
    if (!this.busy || this.iterationKind !== "decode" || this.iterationEndS <= this.iterationStartS)
      return this.step;
    const fraction = Math.min(
      1,
      Math.max(0, (nowS - this.iterationStartS) / (this.iterationEndS - this.iterationStartS)),
    );
    return this.windowStartStep + Math.floor(fraction * this.windowSteps);
  }

  /** Time of step `j` of the decode window in flight. */
  windowStepS(j: number): number {
    return this.windowF0 + this.windowSlope * j + this.windowCurve * j * j;
  }

  /** Total context (KV tokens) of the decoding sequences at decode step `step`. */
  contextAt(step: number): number {
    const value = this.contextBase + this.contextRate * step;
    return Math.max(value, 0);
  }

  /** KV tokens in use at decode step `step` (paged: half a block of fragmentation per decoding sequence). */
  kvUsedAt(step: number): number {
    return this.kvHeld + this.contextAt(step) + this.decoding * this.halfBlockTokens;
  }

  /** Adds a sequence to the decode set; it finishes after `steps` steps. */
  joinDecode(pool: RequestPool, id: number, context: number, steps: number, tokensPerStep: number): void {
    pool.joinStep[id] = this.step;
    pool.finishStep[id] = this.step + steps;
    pool.tokensPerStep[id] = tokensPerStep;
    pool.joinContext[id] = context;
    this.contextBase += context - tokensPerStep * this.step;
    this.contextRate += tokensPerStep;
    this.decoding++;
    this.finishHeap.push(id, this.step + steps);
    pool.prev[id] = this.tail;
    pool.next[id] = -1;
    if (this.tail >= 0) pool.next[this.tail] = id;
    else this.head = id;
    this.tail = id;
  }

  /** Removes a sequence from the decode set (its heap entry goes stale). */
  leaveDecode(pool: RequestPool, id: number): void {
    const rate = pool.tokensPerStep[id] as number;
    this.contextBase -= (pool.joinContext[id] as number) - rate * (pool.joinStep[id] as number);
    this.contextRate -= rate;
    this.decoding--;
    if (this.decoding === 0) {
      this.contextBase = 0;
      this.contextRate = 0;
    }
    const before = pool.prev[id] as number;
    const after = pool.next[id] as number;
    if (before >= 0) pool.next[before] = after;
    else this.head = after;
    if (after >= 0) pool.prev[after] = before;
    else this.tail = before;
    pool.prev[id] = -1;
    pool.next[id] = -1;
  }

  /** Records KV use up to `nowS` (call before the use changes). */
  accountKv(nowS: number, usedNow: number): void {
    const fraction = this.kvCapacity > 0 ? usedNow / this.kvCapacity : 0;
    this.kvArea += fraction * (nowS - this.kvLastS);
    this.kvLastS = nowS;
    if (fraction > this.kvPeak) this.kvPeak = fraction;
  }

  /** Adds a trapezoid of KV use across a decode window ending at `nowS`. */
  accountKvWindow(startS: number, endS: number, usedStart: number, usedEnd: number): void {
    const cap = this.kvCapacity > 0 ? this.kvCapacity : 1;
    this.kvArea += ((usedStart + usedEnd) / 2 / cap) * (endS - startS);
    this.kvLastS = endS;
    const peak = Math.max(usedStart, usedEnd) / cap;
    if (peak > this.kvPeak) this.kvPeak = peak;
  }

  pushBatch(id: number, chunk: number): void {
    if (this.batchCount === this.batchIds.length) {
      const ids = new Int32Array(this.batchIds.length * 2);
      ids.set(this.batchIds);
      const chunks = new Int32Array(this.batchChunks.length * 2);
      chunks.set(this.batchChunks);
      this.batchIds = ids;
      this.batchChunks = chunks;
    }
    this.batchIds[this.batchCount] = id;
    this.batchChunks[this.batchCount] = chunk;
    this.batchCount++;
  }
}

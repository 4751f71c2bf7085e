/**
 * The batch scheduler of an instance (continuous batching): which waiting prompts join the next
 * prefill iteration under the token budget (chunked or whole, FCFS or by priority class, with
 * admission control), which transferred or swapped-out sequences join the decode batch, and which
 * decoding sequences are preempted (recompute or swap) when the paged KV cache cannot take the next
 * step. Also times iterations with the step model. The engine owns events; this owns batches.
 */
import type { DecodeBatch, PrefillBatch } from "../perf/index.ts";
import { mixesPrefillWithDecode } from "../spec/index.ts";
import { AttentionDpPlacements } from "./attention-dp-placement.ts";
import type { EngineRecorder } from "./engine-recorder.ts";
import { decodeStepsFor, type MtpModel } from "./mtp.ts";
import { type DropReason, REQUEST_STATE, type RequestPool } from "./request-pool.ts";
import type { Rng } from "./rng.ts";
import type { Router } from "./router.ts";
import type { ServingInstance } from "./serving-instance.ts";
import type { ServingModel } from "./serving-model.ts";

/** What the scheduler needs from the engine. */
export interface SchedulerContext {
  readonly pool: RequestPool;
  readonly model: ServingModel;
  readonly mtp: MtpModel;
  readonly mtpRng: Rng;
  readonly recorder: EngineRecorder;
  readonly router: Router;
  /** Simulated time of the event being handled. */
  readonly now: number;
  enqueue(instance: ServingInstance, id: number, front: boolean): void;
  finish(id: number, instance: ServingInstance): void;
  drop(id: number, reason: DropReason): void;
}

export class BatchScheduler {
  /** KV tokens a newly admitted sequence must have free to take its first decode step (no admit-then-preempt loops). */
  private readonly growthHeadroom: number;
  private readonly decodeBatch = { sequences: 0, kvTokens: 0 };
  private readonly prefillBatch = { sequences: 0, newTokens: 0, attendedTokenPairs: 0, contextTokens: 0 };
  /** Where the iteration's chunks run under attention DP (attention-dp-placement.ts). */
  private readonly placements = new AttentionDpPlacements();

  constructor(private readonly ctx: SchedulerContext) {
    this.growthHeadroom = 1 + ctx.mtp.draftTokens;
  }

  formPrefillBatch(instance: ServingInstance): void {
    const pool = this.ctx.pool;
    const scheduler = this.ctx.model.serving.scheduler;
    let budget = instance.tokenBudget;
    // Sarathi-Serve, vLLM and TensorRT-LLM count the decoding sequences' tokens against the same budget
    if (instance.role === "colocated" && mixesPrefillWithDecode(scheduler) && scheduler.budgetCountsDecodes)
      budget -= instance.decoding * this.growthHeadroom;
    instance.batchCount = 0;
    for (const id of instance.active) {
      if (budget <= 0) break;
      const remaining = (pool.prefillTarget[id] as number) - (pool.prefillDone[id] as number);
      const chunk = Math.min(remaining, budget);
      instance.pushBatch(id, chunk);
      budget -= chunk;
    }
    const colocated = instance.role === "colocated";
    const maxDelay = scheduler.admission.maxQueueDelayS;
    const decodeGrowth = colocated && instance.decoding > 0 ? 1 : 0;
    for (const deque of instance.waiting) {
      while (deque.length > 0 && budget > 0) {
        if (colocated && instance.decoding + instance.active.length >= instance.maxSequences) return;
        const id = deque.peek();
        if (
          maxDelay !== undefined &&
          this.ctx.now - (pool.arrivalS[id] as number) > maxDelay &&
          Number.isNaN(pool.startS[id] as number)
        ) {
          deque.popFront();
          instance.waitingCount--;
          instance.outstanding--;
          this.ctx.drop(id, "queue-timeout");
          continue;
        }
        const need = pool.prefillTarget[id] as number;
        if (need + instance.halfBlockTokens > instance.kvCapacity) {
          // A recomputed sequence (prompt + output so far) that this prefill instance can never hold.
          deque.popFront();
          instance.waitingCount--;
          instance.outstanding--;
          this.ctx.drop(id, "exceeds-kv-capacity");
          continue;
        }
        const used = instance.kvUsedAt(instance.step + decodeGrowth);
        const headroom = colocated ? this.growthHeadroom : 0;
        if (used + need + instance.halfBlockTokens + headroom > instance.kvCapacity) return;
        const cached = pool.prefillDone[id] as number;
        const remaining = need - cached;
        // engines that batch by prompt length (CloudMatrix-Infer: "16K total tokens per NPU")
        // charge a request's cached prefix to the budget too
        const cachedCost = scheduler.budgetCountsCachedTokens ? cached : 0;
        const left = budget - cachedCost;
        if (instance.batchCount > 0 && (left <= 0 || (!scheduler.chunkedPrefill && remaining > left))) return;
        const chunk = scheduler.chunkedPrefill ? Math.min(remaining, left > 0 ? left : budget) : remaining;
        budget -= cachedCost;
        const fetch = pool.fetchTokens[id] as number;
        if (fetch > 0) {
          instance.fetchBytes += fetch * instance.perf.kvBytesPerToken;
          pool.fetchTokens[id] = 0;
        }
        deque.popFront();
        instance.waitingCount--;
        instance.active.push(id);
        pool.reservedTokens[id] = need;
        instance.kvHeld += need;
        pool.state[id] = REQUEST_STATE.prefilling;
        if (Number.isNaN(pool.startS[id] as number)) pool.startS[id] = this.ctx.now;
        this.ctx.recorder.prefillAdmitted(id, need);
        instance.pushBatch(id, chunk);
        budget -= chunk;
      }
    }
  }

  admitDecodeWaiting(instance: ServingInstance): void {
    const pool = this.ctx.pool;
    const waiting = instance.decodeWaiting;
    while (waiting.length > 0 && instance.decoding < instance.maxSequences) {
      const id = waiting.peek();
      const context = pool.prefillTarget[id] as number;
      const needed =
        instance.kvUsedAt(instance.step + 1) + context + instance.halfBlockTokens + this.growthHeadroom;
      if (needed > instance.kvCapacity && instance.decoding > 0) break;
      waiting.popFront();
      this.joinDecode(instance, id, context);
    }
  }

  admitSwapped(instance: ServingInstance): void {
    const pool = this.ctx.pool;
    const swapped = instance.swapped;
    while (swapped.length > 0 && instance.decoding < instance.maxSequences) {
      const id = swapped.peek();
      const context = (pool.promptTokens[id] as number) + (pool.generated[id] as number);
      const needed =
        instance.kvUsedAt(instance.step + 1) + context + instance.halfBlockTokens + this.growthHeadroom;
      if (needed > instance.kvCapacity && instance.decoding > 0) break;
      swapped.popFront();
      instance.pendingOverheadS +=
        this.ctx.model.swap?.transferS(context * instance.perf.kvBytesPerToken) ?? 0;
      this.joinDecode(instance, id, context);
    }
  }

  joinDecode(instance: ServingInstance, id: number, context: number): void {
    const pool = this.ctx.pool;
    const remaining = (pool.outputTokens[id] as number) - (pool.generated[id] as number);
    const steps = decodeStepsFor(this.ctx.mtp, remaining, this.ctx.mtpRng);
    pool.state[id] = REQUEST_STATE.decoding;
    instance.joinDecode(pool, id, context, steps, remaining / steps);
  }

  /** Preempts the most recently joined sequences until the next step fits in the KV cache. */
  ensureKv(instance: ServingInstance): void {
    while (instance.decoding > 1 && instance.kvUsedAt(instance.step + 1) > instance.kvCapacity)
      this.preempt(instance, instance.tail);
  }

  preempt(instance: ServingInstance, id: number): void {
    const pool = this.ctx.pool;
    const rate = pool.tokensPerStep[id] as number;
    const progressed = Math.floor(rate * (instance.step - (pool.joinStep[id] as number)));
    instance.leaveDecode(pool, id);
    const output = pool.outputTokens[id] as number;
    pool.generated[id] = Math.min(output - 1, (pool.generated[id] as number) + progressed);
    pool.preemptions[id] = (pool.preemptions[id] as number) + 1;
    const context = (pool.promptTokens[id] as number) + (pool.generated[id] as number);
    if (this.ctx.model.serving.kvCache.preemption === "swap") {
      this.ctx.recorder.emit({ kind: "preemption", id, mode: "swap" });
      instance.pendingOverheadS +=
        this.ctx.model.swap?.transferS(context * instance.perf.kvBytesPerToken) ?? 0;
      pool.state[id] = REQUEST_STATE.swapped;
      instance.swapped.pushBack(id);
      return;
    }
    this.ctx.recorder.emit({ kind: "preemption", id, mode: "recompute" });
    pool.prefillTarget[id] = context;
    pool.prefillDone[id] = 0;
    if (instance.role === "colocated") {
      this.ctx.enqueue(instance, id, true);
      return;
    }
    instance.outstanding--;
    pool.decodeInstance[id] = -1;
    const prefill = this.ctx.router.leastLoadedPrefill();
    prefill.outstanding++;
    pool.prefillInstance[id] = prefill.id;
    this.ctx.enqueue(prefill, id, true);
  }

  finishDecodes(instance: ServingInstance): void {
    if (instance.role === "prefill") return;
    const heap = instance.finishHeap;
    const pool = this.ctx.pool;
    for (;;) {
      this.cleanHeapTop(instance);
      if (heap.length === 0 || (heap.peekValue() as number) > instance.step) return;
      const id = heap.pop() as number;
      instance.leaveDecode(pool, id);
      pool.generated[id] = pool.outputTokens[id] as number;
      this.ctx.finish(id, instance);
    }
  }

  cleanHeapTop(instance: ServingInstance): void {
    const heap = instance.finishHeap;
    const pool = this.ctx.pool;
    while (heap.length > 0) {
      const id = heap.peek() as number;
      const key = heap.peekValue() as number;
      if (
        pool.state[id] === REQUEST_STATE.decoding &&
        pool.decodeInstance[id] === instance.id &&
        pool.finishStep[id] === key
      )
        return;
      heap.pop();
    }
  }

  /** Fills the prefill part of the iteration in flight (chunks, their attention pairs and cached context). */
  private prefillPart(instance: ServingInstance): PrefillBatch {
    const pool = this.ctx.pool;
    const batch = this.prefillBatch;
    batch.sequences = instance.batchCount;
    batch.newTokens = 0;
    batch.attendedTokenPairs = 0;
    batch.contextTokens = 0;
    for (let i = 0; i < instance.batchCount; i++) {
      const id = instance.batchIds[i] as number;
      const chunk = instance.batchChunks[i] as number;
      const cached = pool.prefillDone[id] as number;
      batch.newTokens += chunk;
      batch.attendedTokenPairs += chunk * (cached + (chunk + 1) / 2);
      batch.contextTokens += cached;
    }
    return batch;
  }

  prefillStepTime(instance: ServingInstance): number {
    return instance.perf.prefillStepS(
      this.prefillPart(instance),
      this.placements.busiestRank(instance, this.ctx.pool.prefillDone),
    );
  }

  /** A mixed iteration: the prefill chunks and one step of every decoding sequence, in one pass. */
  mixedStepTime(instance: ServingInstance): number {
    const decode = this.decodeBatch;
    decode.sequences = instance.decoding;
    decode.kvTokens = instance.contextAt(instance.step);
    return instance.perf.mixedStepS(
      this.prefillPart(instance),
      decode as DecodeBatch,
      this.placements.busiestRank(instance, this.ctx.pool.prefillDone),
    );
  }

  decodeStepTime(instance: ServingInstance, step: number): number {
    const batch = this.decodeBatch;
    batch.sequences = instance.decoding;
    batch.kvTokens = instance.contextAt(step);
    return instance.perf.decodeStepS(batch as DecodeBatch);
  }

  /**
   * Step times of a window of `steps` decode steps: the step model at the first, middle and last
   * step, and the quadratic through them in between (exact when step time is affine or quadratic
   * in the KV length, as attention makes it), so a window costs three step-model calls.
   * Returns the window's total time.
   */
  planWindow(instance: ServingInstance, steps: number): number {
    const s0 = instance.step;
    const f0 = this.decodeStepTime(instance, s0);
    let slope = 0;
    let curve = 0;
    if (steps === 2) slope = this.decodeStepTime(instance, s0 + 1) - f0;
    else if (steps >= 3) {
      const mid = Math.floor((steps - 1) / 2);
      const last = steps - 1;
      const fm = this.decodeStepTime(instance, s0 + mid) - f0;
      const fl = this.decodeStepTime(instance, s0 + last) - f0;
      curve = (fl / last - fm / mid) / (last - mid);
      slope = fm / mid - curve * mid;
    }
    instance.windowF0 = f0;
    instance.windowSlope = slope;
    instance.windowCurve = curve;
    const k = steps;
    return k * f0 + (slope * k * (k - 1)) / 2 + (curve * (k - 1) * k * (2 * k - 1)) / 6;
  }
}

/**
 * The iteration cycle of an instance: form the next iteration when it falls idle (a prefill or
 * mixed batch, else a decode-only window of many steps), time it, account for it when it ends, and
 * cut a decode window short at the next step boundary when new work arrives. The batch scheduler
 * decides what goes into a batch; the engine owns requests and events.
 */

import { mixesPrefillWithDecode } from "../spec/index.ts";
import { AttentionDpBalance } from "./attention-dp-balance.ts";
import type { BatchScheduler } from "./batch-scheduler.ts";
import { ENGINE_EVENT } from "./engine-events.ts";
import type { EngineRecorder } from "./engine-recorder.ts";
import type { EventQueue } from "./event-queue.ts";
import type { RequestPool } from "./request-pool.ts";
import type { ServingInstance } from "./serving-instance.ts";
import type { ServingModel } from "./serving-model.ts";

const MAX_WINDOW_STEPS = 1 << 20;

/** What the iteration cycle needs from the engine. */
export interface IterationContext {
  readonly pool: RequestPool;
  readonly model: ServingModel;
  readonly queue: EventQueue;
  readonly scheduler: BatchScheduler;
  readonly recorder: EngineRecorder;
  /** Simulated time of the event being handled. */
  readonly now: number;
  /** A request's prefill has finished on `instance`: hand it to decode, or finish it. */
  prefillComplete(instance: ServingInstance, id: number): void;
}

export class IterationCycle {
  /** The attention-DP context balancing rule, where the scheduler sets one. */
  private readonly balance: AttentionDpBalance | undefined;

  constructor(private readonly ctx: IterationContext) {
    const spec = ctx.model.serving.scheduler.attentionDpBalance;
    this.balance = spec === undefined ? undefined : new AttentionDpBalance(spec);
  }

  /** New work reached `instance`: start an iteration if idle, or end a decode window at the next step. */
  kick(instance: ServingInstance): void {
    if (instance.scheduling) return;
    if (!instance.busy) {
      this.start(instance);
      return;
    }
    if (instance.iterationKind !== "decode" || instance.windowShortened || instance.windowSteps <= 1) return;
    const room =
      instance.role === "colocated"
        ? instance.decoding + instance.active.length < instance.maxSequences && instance.waitingCount > 0
        : instance.decoding < instance.maxSequences;
    if (!room) return;
    const now = this.ctx.now;
    // Find the first step boundary at or after now.
    let t = instance.iterationStartS + instance.windowOverheadS;
    let steps = 0;
    while (steps < instance.windowSteps && t < now) {
      t += instance.windowStepS(steps);
      steps++;
    }
    if (steps >= instance.windowSteps) return;
    instance.windowShortened = true;
    instance.windowSteps = Math.max(1, steps);
    instance.iterationEndS = t;
    instance.version++;
    this.ctx.queue.push(t, ENGINE_EVENT.step, instance.id, instance.version);
  }

  /** The iteration (or window) in flight on `instance` has ended: account for it and start the next. */
  end(instance: ServingInstance): void {
    const { now, recorder, scheduler } = this.ctx;
    const duration = now - instance.iterationStartS;
    instance.busyS += duration;
    instance.iterations++;
    const kind = instance.iterationKind;
    if (kind === "decode") {
      this.balance?.advance(instance.adpBalance, instance.windowSteps);
      const usedStart = instance.kvUsedAt(instance.windowStartStep);
      instance.step = instance.windowStartStep + instance.windowSteps;
      instance.decodeSteps += instance.windowSteps;
      instance.accountKvWindow(instance.iterationStartS, now, usedStart, instance.kvUsedAt(instance.step));
      recorder.emit({
        kind: "iteration",
        instance: instance.id,
        startS: instance.iterationStartS,
        durationS: duration,
        phase: "decode",
        sequences: instance.decoding,
        newTokens: 0,
        steps: instance.windowSteps,
        decodes: instance.decoding,
      });
    } else {
      instance.accountKv(now, instance.kvUsedAt(instance.step));
      let newTokens = 0;
      for (let i = 0; i < instance.batchCount; i++) newTokens += instance.batchChunks[i] as number;
      recorder.emit({
        kind: "iteration",
        instance: instance.id,
        startS: instance.iterationStartS,
        durationS: duration,
        phase: kind,
        sequences: instance.batchCount + instance.batchDecodes,
        newTokens,
        steps: 1,
        decodes:
          kind === "mixed" ? instance.batchDecodes : instance.role === "prefill" ? 0 : instance.decoding,
      });
      if (kind === "mixed") {
        instance.step += 1;
        instance.decodeSteps += 1;
      }
      this.completePrefillChunks(instance);
    }
    scheduler.finishDecodes(instance);
    instance.busy = false;
    this.start(instance);
  }

  private start(instance: ServingInstance): void {
    instance.scheduling = true;
    this.form(instance);
    instance.scheduling = false;
  }

  private form(instance: ServingInstance): void {
    const { now, scheduler } = this.ctx;
    if (instance.role !== "prefill") {
      scheduler.admitSwapped(instance);
      if (instance.role === "decode") scheduler.admitDecodeWaiting(instance);
      scheduler.ensureKv(instance);
    }
    // Iterations the attention-DP balancing rule holds new prompts back (0: admit them now).
    const holdSteps = instance.role === "decode" ? 0 : this.promptHold(instance);
    if (instance.role !== "decode" && holdSteps === 0) scheduler.formPrefillBatch(instance);
    const decodes = instance.role === "prefill" ? 0 : instance.decoding;
    instance.iterationStartS = now;
    instance.windowShortened = false;
    if (instance.batchCount > 0) {
      const mixed = decodes > 0 && mixesPrefillWithDecode(this.ctx.model.serving.scheduler);
      let time = mixed ? scheduler.mixedStepTime(instance) : scheduler.prefillStepTime(instance);
      time += instance.pendingOverheadS + this.fetchS(instance);
      instance.pendingOverheadS = 0;
      instance.iterationKind = mixed ? "mixed" : "prefill";
      instance.batchDecodes = mixed ? decodes : 0;
      this.schedule(instance, time);
      return;
    }
    if (decodes > 0) {
      scheduler.cleanHeapTop(instance);
      let steps = (instance.finishHeap.peekValue() as number) - instance.step;
      if (instance.contextRate > 0) {
        const room = instance.kvCapacity - instance.kvUsedAt(instance.step);
        steps = Math.min(steps, Math.max(1, Math.floor(room / instance.contextRate)));
      }
      if (holdSteps > 0) steps = Math.min(steps, holdSteps);
      steps = Math.max(1, Math.min(steps, MAX_WINDOW_STEPS));
      instance.windowOverheadS = instance.pendingOverheadS;
      instance.pendingOverheadS = 0;
      const time = instance.windowOverheadS + scheduler.planWindow(instance, steps);
      instance.iterationKind = "decode";
      instance.windowStartStep = instance.step;
      instance.windowSteps = steps;
      this.schedule(instance, time);
      return;
    }
    instance.busy = false;
  }

  /** The balancing rule's hold for the iteration being formed (attention-dp-balance.ts); 0 without one. */
  private promptHold(instance: ServingInstance): number {
    const ranks = instance.perf.attentionDpRanks ?? 1;
    if (this.balance === undefined || ranks <= 1 || instance.role !== "colocated") return 0;
    return this.balance.decide(instance, instance.adpBalance, ranks);
  }

  /**
   * Time to fetch the cached prefixes of the batch's new requests from the pooled tier, over its
   * path (UB or VPC): one latency, and the bytes spread over the instance's links. On the
   * iteration's critical path: the chunks cannot attend to KV that has not arrived.
   */
  private fetchS(instance: ServingInstance): number {
    const bytes = instance.fetchBytes;
    instance.fetchBytes = 0;
    const path = this.ctx.model.pooledTier?.transfer;
    if (bytes <= 0 || path === undefined) return 0;
    return path.transferS(0) + path.occupancyS(bytes);
  }

  private schedule(instance: ServingInstance, durationS: number): void {
    instance.busy = true;
    instance.iterationEndS = this.ctx.now + durationS;
    instance.version++;
    this.ctx.queue.push(instance.iterationEndS, ENGINE_EVENT.step, instance.id, instance.version);
  }

  private completePrefillChunks(instance: ServingInstance): void {
    const { pool } = this.ctx;
    for (let i = 0; i < instance.batchCount; i++) {
      const id = instance.batchIds[i] as number;
      const chunk = instance.batchChunks[i] as number;
      pool.prefillDone[id] = (pool.prefillDone[id] as number) + chunk;
    }
    let kept = 0;
    const active = instance.active;
    for (let i = 0; i < active.length; i++) {
      const id = active[i] as number;
      if ((pool.prefillDone[id] as number) >= (pool.prefillTarget[id] as number))
        this.ctx.prefillComplete(instance, id);
      else active[kept++] = id;
    }
    active.length = kept;
    instance.batchCount = 0;
    instance.batchDecodes = 0;
  }
}

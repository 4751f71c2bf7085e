import { SupernodeError } from "../spec/errors.ts";
import { BatchScheduler } from "./batch-scheduler.ts";
import { EngineRecorder } from "./engine-recorder.ts";
import { EventQueue } from "./event-queue.ts";
import { type MtpModel, mtpModel } from "./mtp.ts";
import { PrefixCache } from "./prefix-cache.ts";
import { DROP_REASONS, type DropReason, REQUEST_STATE, RequestPool } from "./request-pool.ts";
import { RNG_STREAM, Rng } from "./rng.ts";
import { Router } from "./router.ts";
import { type InstanceRole, ServingInstance } from "./serving-instance.ts";
import type { ServingModel, ServingPool, SimulateOptions } from "./serving-model.ts";
import type { SimulationResult } from "./simulation-result.ts";
import { WorkloadGenerator } from "./workload.ts";

const EVENT_ARRIVAL = 0;
const EVENT_USER = 1;
const EVENT_STEP = 2;
const EVENT_TRANSFER = 3;
const EVENT_LOAD = 4;
const EVENT_SAMPLE = 5;
const MAX_WINDOW_STEPS = 1 << 20;
const MAX_SEQUENCES = 2 ** 31 - 1;

/**
 * Runs the serving simulation.
 * @example const result = simulateServing(model, { requests: 1000, seed: 1 }); result.summary.ttftS.p99
 */
export function simulateServing(model: ServingModel, options: SimulateOptions = {}): SimulationResult {
  return new ServingEngine(model, options).run();
}

class ServingEngine {
  readonly pool: RequestPool;
  readonly queue = new EventQueue();
  readonly instances: ServingInstance[] = [];
  readonly prefillStage: ServingInstance[];
  readonly decodeStage: ServingInstance[];
  readonly colocated: boolean;
  readonly generator: WorkloadGenerator;
  readonly mtp: MtpModel;
  readonly mtpRng: Rng;
  readonly recorder: EngineRecorder;
  readonly poolCache: PrefixCache | undefined;
  readonly priorityLevel: Map<number, number>;
  readonly seed: number;
  now = 0;
  events = 0;
  readonly router: Router;
  readonly scheduler: BatchScheduler;

  constructor(
    readonly model: ServingModel,
    readonly options: SimulateOptions,
  ) {
    const { workload, serving } = model;
    this.seed = options.seed ?? workload.seed;
    const requests = options.requests ?? (options.durationS === undefined ? workload.requests : undefined);
    const durationS = options.durationS ?? (options.requests === undefined ? workload.durationS : undefined);
    if (requests === undefined && durationS === undefined && workload.arrival.kind !== "trace")
      throw new SupernodeError(
        "usage",
        "the simulation needs a stopping rule: --requests N or --duration S (or workload.requests / workload.durationS)",
      );
    const stop = { requests, durationS };
    this.generator = new WorkloadGenerator(workload, model.files ?? new Map(), this.seed, stop);
    this.pool = new RequestPool(Math.min(requests ?? 4096, 1 << 24));
    this.colocated = model.colocated !== undefined;
    if (!this.colocated && (model.prefill === undefined || model.decode === undefined))
      throw new SupernodeError(
        "invalid-value",
        "the serving simulator needs either colocated instances, or both prefill and decode instances",
        { fieldPath: ["deployment"] },
      );
    const classes = workload.priorityClasses ?? [{ name: "default", priority: 0, weight: 1 }];
    const values = [...new Set(classes.map((c) => c.priority))].sort((a, b) => a - b);
    this.priorityLevel = new Map(values.map((v, i) => [v, serving.scheduler.policy === "priority" ? i : 0]));
    const levels = serving.scheduler.policy === "priority" ? values.length : 1;
    const build = (role: InstanceRole, spec: ServingPool | undefined) => {
      const built: ServingInstance[] = [];
      if (spec === undefined) return built;
      const usable = spec.perf.kvCacheCapacityTokens * serving.kvCache.usableFraction;
      const prefixOn = serving.prefixCache.enabled && role !== "decode";
      const hbmShare = prefixOn ? serving.prefixCache.hbmFraction : 0;
      const maxSeq = serving.scheduler.maxBatchSequences ?? spec.maxBatchSequences ?? MAX_SEQUENCES;
      for (let i = 0; i < spec.instances; i++) {
        const instance = new ServingInstance(
          this.instances.length,
          role,
          spec.perf,
          Math.floor(usable * (1 - hbmShare)),
          maxSeq,
          serving.kvCache.blockTokens / 2,
          levels,
          prefixOn ? new PrefixCache(Math.floor(usable * hbmShare)) : undefined,
        );
        this.instances.push(instance);
        built.push(instance);
      }
      return built;
    };
    if (this.colocated) {
      this.prefillStage = build("colocated", model.colocated);
      this.decodeStage = this.prefillStage;
    } else {
      this.prefillStage = build("prefill", model.prefill);
      this.decodeStage = build("decode", model.decode);
    }
    const decodePerf = (this.colocated ? model.colocated : model.decode)?.perf;
    this.mtp =
      model.mtp !== undefined
        ? {
            draftTokens: model.mtp.draftTokens,
            acceptance: model.mtp.acceptance,
            meanTokensPerStep: decodePerf?.meanTokensPerDecodeStep ?? 1,
            sampling: serving.mtp.sampling,
          }
        : mtpModel(decodePerf?.meanTokensPerDecodeStep ?? 1, serving.mtp.draftTokens, serving.mtp.sampling);
    this.mtpRng = new Rng(this.seed, RNG_STREAM.mtp);
    this.poolCache =
      serving.prefixCache.enabled && serving.prefixCache.pooledTier.enabled && model.pooledTier !== undefined
        ? new PrefixCache(model.pooledTier.capacityTokens)
        : undefined;
    this.router = new Router(serving.router, this.prefillStage, this.decodeStage);
    this.scheduler = new BatchScheduler(this);
    this.recorder = new EngineRecorder(
      this,
      requests ?? null,
      durationS ?? null,
      options.maxTraceEvents ?? 200_000,
      options.recordRequests ?? serving.recordRequests,
    );
  }

  run(): SimulationResult {
    const g = this.generator;
    if (g.closedLoopUsers > 0)
      for (let u = 0; u < g.closedLoopUsers; u++) this.queue.push(0, EVENT_USER, u, 0);
    else if (g.nextTimeS < Number.POSITIVE_INFINITY) this.queue.push(g.nextTimeS, EVENT_ARRIVAL, 0, 0);
    this.queue.push(this.recorder.intervalS, EVENT_SAMPLE, 0, 0);
    const q = this.queue;
    const progress = this.options.onProgress;
    while (q.pop()) {
      this.now = q.timeS;
      this.events++;
      switch (q.kind) {
        case EVENT_ARRIVAL: {
          const id = g.emitOpenLoop(this.pool);
          if (g.nextTimeS < Number.POSITIVE_INFINITY) q.push(g.nextTimeS, EVENT_ARRIVAL, 0, 0);
          this.arrive(id);
          break;
        }
        case EVENT_USER: {
          const id = g.emitClosedLoop(this.pool, q.arg, this.now);
          if (id >= 0) this.arrive(id);
          break;
        }
        case EVENT_STEP: {
          const instance = this.instances[q.arg] as ServingInstance;
          if (q.stamp === instance.version) this.endIteration(instance);
          break;
        }
        case EVENT_TRANSFER:
          this.transferDone(q.arg);
          break;
        case EVENT_LOAD:
          this.loadDone(q.arg);
          break;
        case EVENT_SAMPLE:
          this.recorder.sample(this.now);
          if (q.size > 0) q.push(this.now + this.recorder.intervalS, EVENT_SAMPLE, 0, 0);
          break;
        default:
          throw new Error(`unknown event kind ${q.kind}`);
      }
      if (progress !== undefined && (this.events & 0x3fff) === 0) progress(this.recorder.progress(this.now));
    }
    this.checkAllAccounted();
    if (progress !== undefined) progress(this.recorder.progress(this.now));
    return this.recorder.result();
  }

  // ---- requests entering and leaving -------------------------------------------------------

  private arrive(id: number): void {
    const pool = this.pool;
    this.recorder.arrived(this.now);
    const prompt = pool.promptTokens[id] as number;
    const output = pool.outputTokens[id] as number;
    const half = this.model.serving.kvCache.blockTokens / 2;
    const prefillCap = minCapacity(this.prefillStage);
    const decodeCap = minCapacity(this.decodeStage);
    if (prompt + half > prefillCap || prompt + output + half > decodeCap) {
      this.drop(id, "exceeds-kv-capacity");
      return;
    }
    const group = pool.prefixGroup[id] as number;
    const instance = this.router.prefillFor(group);
    const maxQueued = this.model.serving.scheduler.admission.maxQueuedRequests;
    if (maxQueued !== undefined && instance.waitingCount >= maxQueued) {
      this.drop(id, "queue-full");
      return;
    }
    pool.prefillInstance[id] = instance.id;
    instance.outstanding++;
    if (group >= 0) {
      const prefix = pool.prefixTokens[id] as number;
      this.recorder.prefixEligible += prefix;
      if (instance.hbmCache?.lookup(group)) {
        this.recorder.hbmHits += prefix;
        pool.prefillDone[id] = prefix;
        pool.cachedTokens[id] = (pool.cachedTokens[id] as number) + prefix;
      } else if (this.poolCache?.lookup(group) && this.model.pooledTier !== undefined) {
        this.recorder.poolHits += prefix;
        const bytes = prefix * instance.perf.kvBytesPerToken;
        const transfer = this.model.pooledTier.transfer;
        const start = Math.max(this.now, instance.loadFreeS);
        instance.loadFreeS = start + transfer.occupancyS(bytes);
        pool.state[id] = REQUEST_STATE.loading;
        instance.loading++;
        this.queue.push(start + transfer.transferS(bytes), EVENT_LOAD, id, 0);
        return;
      }
    }
    this.enqueue(instance, id, false);
  }

  enqueue(instance: ServingInstance, id: number, front: boolean): void {
    const pool = this.pool;
    pool.state[id] = REQUEST_STATE.waiting;
    const level = this.priorityLevel.get(pool.priority[id] as number) ?? 0;
    const deque = instance.waiting[level] ?? instance.waiting[0];
    if (deque === undefined) throw new Error("instance without a waiting queue");
    if (front) deque.pushFront(id);
    else deque.pushBack(id);
    instance.waitingCount++;
    this.kick(instance);
  }

  private loadDone(id: number): void {
    const pool = this.pool;
    const instance = this.instances[pool.prefillInstance[id] as number] as ServingInstance;
    instance.loading--;
    const prefix = pool.prefixTokens[id] as number;
    pool.prefillDone[id] = prefix;
    pool.cachedTokens[id] = (pool.cachedTokens[id] as number) + prefix;
    this.enqueue(instance, id, false);
  }

  finish(id: number, instance: ServingInstance): void {
    const pool = this.pool;
    pool.state[id] = REQUEST_STATE.done;
    pool.finishS[id] = this.now;
    instance.outstanding--;
    this.recorder.departed(this.now);
    this.userNext(id);
  }

  drop(id: number, reason: DropReason): void {
    const pool = this.pool;
    pool.state[id] = REQUEST_STATE.dropped;
    pool.dropReason[id] = DROP_REASONS.indexOf(reason) + 1;
    pool.finishS[id] = this.now;
    this.recorder.departed(this.now);
    this.userNext(id);
  }

  private userNext(id: number): void {
    const user = this.pool.user[id] as number;
    if (user >= 0) this.queue.push(this.now + this.generator.thinkTimeS, EVENT_USER, user, 0);
  }

  // ---- routing ------------------------------------------------------------------------------

  // ---- iterations ---------------------------------------------------------------------------

  /** New work reached `instance`: start an iteration if idle, or end a decode window at the next step. */
  private kick(instance: ServingInstance): void {
    if (instance.scheduling) return;
    if (!instance.busy) {
      this.startIteration(instance);
      return;
    }
    if (instance.iterationKind !== "decode" || instance.windowShortened || instance.windowSteps <= 1) return;
    const room =
      instance.role === "colocated"
        ? instance.decoding + instance.active.length < instance.maxSequences && instance.waitingCount > 0
        : instance.decoding < instance.maxSequences;
    if (!room) return;
    // Find the first step boundary at or after now.
    let t = instance.iterationStartS + instance.windowOverheadS;
    let steps = 0;
    while (steps < instance.windowSteps && t < this.now) {
      t += instance.windowStepS(steps);
      steps++;
    }
    if (steps >= instance.windowSteps) return;
    instance.windowShortened = true;
    instance.windowSteps = Math.max(1, steps);
    instance.iterationEndS = t;
    instance.version++;
    this.queue.push(t, EVENT_STEP, instance.id, instance.version);
  }

  private startIteration(instance: ServingInstance): void {
    instance.scheduling = true;
    this.formIteration(instance);
    instance.scheduling = false;
  }

  private formIteration(instance: ServingInstance): void {
    const serving = this.model.serving;
    if (instance.role !== "prefill") {
      this.scheduler.admitSwapped(instance);
      if (instance.role === "decode") this.scheduler.admitDecodeWaiting(instance);
      this.scheduler.ensureKv(instance);
    }
    if (instance.role !== "decode") this.scheduler.formPrefillBatch(instance);
    const decodes = instance.role === "prefill" ? 0 : instance.decoding;
    instance.iterationStartS = this.now;
    instance.windowShortened = false;
    if (instance.batchCount > 0) {
      const mixed = decodes > 0 && serving.scheduler.chunkedPrefill;
      let time = this.scheduler.prefillStepTime(instance);
      if (mixed) time += this.scheduler.decodeStepTime(instance, instance.step);
      time += instance.pendingOverheadS;
      instance.pendingOverheadS = 0;
      instance.iterationKind = mixed ? "mixed" : "prefill";
      instance.batchDecodes = mixed ? decodes : 0;
      this.schedule(instance, time);
      return;
    }
    if (decodes > 0) {
      this.scheduler.cleanHeapTop(instance);
      let steps = (instance.finishHeap.peekValue() as number) - instance.step;
      if (instance.contextRate > 0) {
        const room = instance.kvCapacity - instance.kvUsedAt(instance.step);
        steps = Math.min(steps, Math.max(1, Math.floor(room / instance.contextRate)));
      }
      steps = Math.max(1, Math.min(steps, MAX_WINDOW_STEPS));
      instance.windowOverheadS = instance.pendingOverheadS;
      instance.pendingOverheadS = 0;
      const time = instance.windowOverheadS + this.scheduler.planWindow(instance, steps);
      instance.iterationKind = "decode";
      instance.windowStartStep = instance.step;
      instance.windowSteps = steps;
      this.schedule(instance, time);
      return;
    }
    instance.busy = false;
  }

  private schedule(instance: ServingInstance, durationS: number): void {
    instance.busy = true;
    instance.iterationEndS = this.now + durationS;
    instance.version++;
    this.queue.push(instance.iterationEndS, EVENT_STEP, instance.id, instance.version);
  }

  private endIteration(instance: ServingInstance): void {
    const duration = this.now - instance.iterationStartS;
    instance.busyS += duration;
    instance.iterations++;
    const kind = instance.iterationKind;
    if (kind === "decode") {
      const usedStart = instance.kvUsedAt(instance.windowStartStep);
      instance.step = instance.windowStartStep + instance.windowSteps;
      instance.decodeSteps += instance.windowSteps;
      instance.accountKvWindow(
        instance.iterationStartS,
        this.now,
        usedStart,
        instance.kvUsedAt(instance.step),
      );
      this.recorder.iteration(instance, duration, "decode", instance.decoding, 0, instance.windowSteps);
    } else {
      instance.accountKv(this.now, instance.kvUsedAt(instance.step));
      let newTokens = 0;
      for (let i = 0; i < instance.batchCount; i++) newTokens += instance.batchChunks[i] as number;
      this.recorder.iteration(
        instance,
        duration,
        kind,
        instance.batchCount + instance.batchDecodes,
        newTokens,
        1,
      );
      if (kind === "mixed") {
        instance.step += 1;
        instance.decodeSteps += 1;
      }
      this.completePrefillChunks(instance);
    }
    this.scheduler.finishDecodes(instance);
    instance.busy = false;
    this.startIteration(instance);
  }

  private completePrefillChunks(instance: ServingInstance): void {
    const pool = this.pool;
    for (let i = 0; i < instance.batchCount; i++) {
      const id = instance.batchIds[i] as number;
      const chunk = instance.batchChunks[i] as number;
      pool.prefillDone[id] = (pool.prefillDone[id] as number) + chunk;
      this.recorder.prefillComputed += chunk;
    }
    let kept = 0;
    const active = instance.active;
    for (let i = 0; i < active.length; i++) {
      const id = active[i] as number;
      if ((pool.prefillDone[id] as number) >= (pool.prefillTarget[id] as number))
        this.prefillComplete(instance, id);
      else active[kept++] = id;
    }
    active.length = kept;
    instance.batchCount = 0;
    instance.batchDecodes = 0;
  }

  private prefillComplete(instance: ServingInstance, id: number): void {
    const pool = this.pool;
    if (Number.isNaN(pool.firstTokenS[id] as number)) {
      pool.firstTokenS[id] = this.now;
      pool.generated[id] = 1;
    }
    const group = pool.prefixGroup[id] as number;
    if (group >= 0) {
      const prefix = pool.prefixTokens[id] as number;
      instance.hbmCache?.insert(group, prefix);
      this.poolCache?.insert(group, prefix);
    }
    const remaining = (pool.outputTokens[id] as number) - (pool.generated[id] as number);
    if (remaining <= 0 || instance.role === "colocated") {
      instance.kvHeld -= pool.reservedTokens[id] as number;
      pool.reservedTokens[id] = 0;
      if (remaining <= 0) {
        this.finish(id, instance);
        return;
      }
      pool.decodeInstance[id] = instance.id;
      this.scheduler.joinDecode(instance, id, pool.prefillTarget[id] as number);
      return;
    }
    const decode = this.router.decodeFor();
    instance.outstanding--;
    decode.outstanding++;
    decode.incoming++;
    pool.decodeInstance[id] = decode.id;
    pool.state[id] = REQUEST_STATE.transferring;
    const transfer = this.model.kvTransfer;
    const bytes = (pool.prefillTarget[id] as number) * instance.perf.kvBytesPerToken;
    const start = Math.max(this.now, instance.transferFreeS);
    instance.transferFreeS = start + (transfer?.occupancyS(bytes) ?? 0);
    this.queue.push(start + (transfer?.transferS(bytes) ?? 0), EVENT_TRANSFER, id, 0);
  }

  private transferDone(id: number): void {
    const pool = this.pool;
    const prefill = this.instances[pool.prefillInstance[id] as number] as ServingInstance;
    prefill.kvHeld -= pool.reservedTokens[id] as number;
    pool.reservedTokens[id] = 0;
    const decode = this.instances[pool.decodeInstance[id] as number] as ServingInstance;
    decode.incoming--;
    pool.state[id] = REQUEST_STATE.decodeWaiting;
    decode.decodeWaiting.pushBack(id);
    if (prefill.waitingCount > 0) this.kick(prefill);
    this.kick(decode);
  }

  private checkAllAccounted(): void {
    const pool = this.pool;
    for (let id = 0; id < pool.count; id++) {
      const state = pool.state[id];
      if (state !== REQUEST_STATE.done && state !== REQUEST_STATE.dropped)
        throw new Error(`serving engine bug: request ${id} ended in state ${state}`);
    }
  }
}

function minCapacity(instances: readonly ServingInstance[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const i of instances) if (i.kvCapacity < min) min = i.kvCapacity;
  return min;
}

import { BatchScheduler } from "./batch-scheduler.ts";
import { ENGINE_EVENT } from "./engine-events.ts";
import { EngineRecorder } from "./engine-recorder.ts";
import { buildFleet, priorityLevels, resolveMtp, stoppingRule } from "./engine-setup.ts";
import { EventQueue } from "./event-queue.ts";
import { IterationCycle } from "./iteration-cycle.ts";
import type { MtpModel } from "./mtp.ts";
import { PrefixCache } from "./prefix-cache.ts";
import { DROP_REASONS, type DropReason, REQUEST_STATE, RequestPool } from "./request-pool.ts";
import { RNG_STREAM, Rng } from "./rng.ts";
import { Router } from "./router.ts";
import type { ServingInstance } from "./serving-instance.ts";
import type { ServingModel, SimulateOptions } from "./serving-model.ts";
import type { SimulationResult } from "./simulation-result.ts";
import { WorkloadGenerator } from "./workload-generator.ts";

/**
 * Runs the serving simulation.
 * @example const result = simulateServing(model, { requests: 1000, seed: 1 }); result.summary.ttftS.p99
 */
export function simulateServing(model: ServingModel, options: SimulateOptions = {}): SimulationResult {
  return new ServingEngine(model, options).run();
}

/**
 * The discrete-event loop: requests arrive, are routed, prefilled, handed to decode (with a KV
 * transfer when disaggregated) and finish or are dropped. Iterations are the iteration cycle's,
 * batches the scheduler's, measurements the recorder's.
 */
class ServingEngine {
  readonly pool: RequestPool;
  readonly queue = new EventQueue();
  readonly instances: readonly ServingInstance[];
  readonly prefillStage: readonly ServingInstance[];
  readonly decodeStage: readonly ServingInstance[];
  readonly colocated: boolean;
  readonly generator: WorkloadGenerator;
  readonly mtp: MtpModel;
  readonly mtpRng: Rng;
  readonly recorder: EngineRecorder;
  readonly poolCache: PrefixCache | undefined;
  readonly priorityLevel: ReadonlyMap<number, number>;
  readonly seed: number;
  now = 0;
  events = 0;
  readonly router: Router;
  readonly scheduler: BatchScheduler;
  readonly cycle: IterationCycle;

  constructor(
    readonly model: ServingModel,
    readonly options: SimulateOptions,
  ) {
    const { workload, serving } = model;
    this.seed = options.seed ?? workload.seed;
    const stop = stoppingRule(model, options);
    const { requests, durationS } = stop;
    this.generator = new WorkloadGenerator(workload, model.files ?? new Map(), this.seed, stop);
    // Slots are reused once a request leaves, so the pool grows with the requests in flight only.
    this.pool = new RequestPool(Math.min(requests ?? 4096, 1 << 16));
    const levels = priorityLevels(model);
    this.priorityLevel = levels.levelOf;
    const fleet = buildFleet(model, levels.count);
    this.instances = fleet.instances;
    this.prefillStage = fleet.prefillStage;
    this.decodeStage = fleet.decodeStage;
    this.colocated = fleet.colocated;
    this.mtp = resolveMtp(model);
    this.mtpRng = new Rng(this.seed, RNG_STREAM.mtp);
    this.poolCache =
      serving.prefixCache.enabled && serving.prefixCache.pooledTier.enabled && model.pooledTier !== undefined
        ? new PrefixCache(model.pooledTier.capacityTokens)
        : undefined;
    this.router = new Router(serving.router, this.prefillStage, this.decodeStage);
    this.scheduler = new BatchScheduler(this);
    this.cycle = new IterationCycle(this);
    this.recorder = new EngineRecorder(this, {
      requests: requests ?? null,
      durationS: durationS ?? null,
      maxTraceEvents: options.maxTraceEvents ?? 200_000,
      records:
        options.onRequest !== undefined
          ? { kind: "stream", sink: options.onRequest }
          : (options.recordRequests ?? serving.recordRequests)
            ? { kind: "keep" }
            : { kind: "none" },
      ...(options.listeners !== undefined ? { listeners: options.listeners } : {}),
    });
  }

  run(): SimulationResult {
    const g = this.generator;
    if (g.closedLoopUsers > 0)
      for (let u = 0; u < g.closedLoopUsers; u++) this.queue.push(0, ENGINE_EVENT.user, u, 0);
    else if (g.nextTimeS < Number.POSITIVE_INFINITY) this.queue.push(g.nextTimeS, ENGINE_EVENT.arrival, 0, 0);
    this.queue.push(this.recorder.intervalS, ENGINE_EVENT.sample, 0, 0);
    const q = this.queue;
    const progress = this.options.onProgress;
    while (q.pop()) {
      this.now = q.timeS;
      this.events++;
      switch (q.kind) {
        case ENGINE_EVENT.arrival: {
          const id = g.emitOpenLoop(this.pool);
          if (g.nextTimeS < Number.POSITIVE_INFINITY) q.push(g.nextTimeS, ENGINE_EVENT.arrival, 0, 0);
          this.arrive(id);
          break;
        }
        case ENGINE_EVENT.user: {
          const id = g.emitClosedLoop(this.pool, q.arg, this.now);
          if (id >= 0) this.arrive(id);
          break;
        }
        case ENGINE_EVENT.step: {
          const instance = this.instances[q.arg] as ServingInstance;
          if (q.stamp === instance.version) this.cycle.end(instance);
          break;
        }
        case ENGINE_EVENT.transfer:
          this.transferDone(q.arg);
          break;
        case ENGINE_EVENT.sample:
          this.recorder.emit({ kind: "sample", timeS: this.now });
          if (q.size > 0) q.push(this.now + this.recorder.intervalS, ENGINE_EVENT.sample, 0, 0);
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
    this.recorder.arrival(this.now, id);
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
      let hit: "hbm" | "pool" | "miss" = "miss";
      if (instance.hbmCache?.lookup(group)) {
        hit = "hbm";
        pool.prefillDone[id] = prefix;
        pool.cachedTokens[id] = (pool.cachedTokens[id] as number) + prefix;
      } else if (this.poolCache?.lookup(group) && this.model.pooledTier !== undefined) {
        // the prefix's KV is fetched from the pool when the request joins a batch (on that
        // iteration's critical path, see IterationCycle), then only the rest is prefilled
        hit = "pool";
        pool.prefillDone[id] = prefix;
        pool.cachedTokens[id] = (pool.cachedTokens[id] as number) + prefix;
        pool.fetchTokens[id] = prefix;
      }
      this.recorder.emit({ kind: "prefix-lookup", tokens: prefix, hit });
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
    this.cycle.kick(instance);
  }

  finish(id: number, instance: ServingInstance): void {
    const pool = this.pool;
    pool.state[id] = REQUEST_STATE.done;
    pool.finishS[id] = this.now;
    instance.outstanding--;
    this.userNext(id);
    this.recorder.departure(this.now, id);
    this.pool.release(id);
  }

  drop(id: number, reason: DropReason): void {
    const pool = this.pool;
    pool.state[id] = REQUEST_STATE.dropped;
    pool.dropReason[id] = DROP_REASONS.indexOf(reason) + 1;
    pool.finishS[id] = this.now;
    this.userNext(id);
    this.recorder.departure(this.now, id);
    pool.release(id);
  }

  private userNext(id: number): void {
    const user = this.pool.user[id] as number;
    if (user >= 0) this.queue.push(this.now + this.generator.thinkTimeS, ENGINE_EVENT.user, user, 0);
  }

  // ---- prefill done: decode here, or hand over to a decode instance ------------------------

  prefillComplete(instance: ServingInstance, id: number): void {
    const pool = this.pool;
    // The prefill computes the first token; the user gets it from the instance that decodes (here
    // when colocated or when it is the whole answer, else after the KV transfer: `transferDone`).
    const firstPrefill = Number.isNaN(pool.firstTokenS[id] as number);
    if (firstPrefill) pool.generated[id] = 1;
    const group = pool.prefixGroup[id] as number;
    if (group >= 0) {
      const prefix = pool.prefixTokens[id] as number;
      instance.hbmCache?.insert(group, prefix);
      this.poolCache?.insert(group, prefix);
    }
    const remaining = (pool.outputTokens[id] as number) - (pool.generated[id] as number);
    if (remaining <= 0 || instance.role === "colocated") {
      if (firstPrefill) pool.firstTokenS[id] = this.now;
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
    this.queue.push(start + (transfer?.transferS(bytes) ?? 0), ENGINE_EVENT.transfer, id, 0);
  }

  private transferDone(id: number): void {
    const pool = this.pool;
    const prefill = this.instances[pool.prefillInstance[id] as number] as ServingInstance;
    prefill.kvHeld -= pool.reservedTokens[id] as number;
    pool.reservedTokens[id] = 0;
    // The first token reaches the user once the decode instance holds the KV (engines' P/D routers
    // stream the answer from the decode instance): the transfer is part of the TTFT, not of TPOT.
    if (Number.isNaN(pool.firstTokenS[id] as number)) pool.firstTokenS[id] = this.now;
    const decode = this.instances[pool.decodeInstance[id] as number] as ServingInstance;
    decode.incoming--;
    pool.state[id] = REQUEST_STATE.decodeWaiting;
    decode.decodeWaiting.pushBack(id);
    if (prefill.waitingCount > 0) this.cycle.kick(prefill);
    this.cycle.kick(decode);
  }

  private checkAllAccounted(): void {
    const pool = this.pool;
    if (pool.live !== 0) throw new Error(`serving engine bug: ${pool.live} request(s) never finished`);
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

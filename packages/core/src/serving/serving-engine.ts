/**
 * The discrete-event serving engine. Events: request arrivals (open loop) and user sends (closed
 * loop), instance iteration ends, prefill→decode KV transfers, prefix loads from the pooled tier,
 * and time-series samples. An iteration is one step of one instance on its real batch, timed by
 * the step model; a decode-only iteration may cover several steps ("window") while the batch does
 * not change, and is cut short at the next step boundary when new work could join. Per-token work
 * never happens: a sequence is touched when it joins and when it leaves a batch.
 */
import type { DecodeBatch, PrefillBatch } from "../perf/instance-performance.ts";
import { SupernodeError } from "../spec/errors.ts";
import { EngineRecorder } from "./engine-recorder.ts";
import { EventQueue } from "./event-queue.ts";
import { decodeStepsFor, type MtpModel, mtpModel } from "./mtp.ts";
import { PrefixCache } from "./prefix-cache.ts";
import { DROP_REASONS, type DropReason, REQUEST_STATE, RequestPool } from "./request-pool.ts";
import { RNG_STREAM, Rng } from "./rng.ts";
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
/** Cache-aware routing keeps a request on the instance holding its prefix unless that instance has
 * this many more outstanding requests than the least loaded (SGLang's router default `balance_abs_threshold`). */
const CACHE_AWARE_BALANCE = 32;

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
  /** KV tokens a newly admitted sequence must have free to take its first decode step (no admit-then-preempt loops). */
  private readonly growthHeadroom: number;
  private rrPrefill = 0;
  private rrDecode = 0;
  private readonly decodeBatch = { sequences: 0, kvTokens: 0 };
  private readonly prefillBatch = { sequences: 0, newTokens: 0, attendedTokenPairs: 0 };

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
    this.growthHeadroom = 1 + this.mtp.draftTokens;
    this.poolCache =
      serving.prefixCache.enabled && serving.prefixCache.pooledTier.enabled && model.pooledTier !== undefined
        ? new PrefixCache(model.pooledTier.capacityTokens)
        : undefined;
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
    const instance = this.choosePrefillInstance(group);
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

  private enqueue(instance: ServingInstance, id: number, front: boolean): void {
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

  private finish(id: number, instance: ServingInstance): void {
    const pool = this.pool;
    pool.state[id] = REQUEST_STATE.done;
    pool.finishS[id] = this.now;
    instance.outstanding--;
    this.recorder.departed(this.now);
    this.userNext(id);
  }

  private drop(id: number, reason: DropReason): void {
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

  private choosePrefillInstance(group: number): ServingInstance {
    const targets = this.prefillStage;
    switch (this.model.serving.router) {
      case "round-robin":
        return targets[this.rrPrefill++ % targets.length] as ServingInstance;
      case "least-outstanding":
        return leastOutstanding(targets, this.rrPrefill++);
      case "cache-aware": {
        const least = leastOutstanding(targets, this.rrPrefill++);
        if (group < 0) return least;
        let holder: ServingInstance | undefined;
        for (const t of targets)
          if (t.hbmCache?.has(group) && (holder === undefined || t.outstanding < holder.outstanding))
            holder = t;
        return holder !== undefined && holder.outstanding <= least.outstanding + CACHE_AWARE_BALANCE
          ? holder
          : least;
      }
      default: {
        const unreachable: never = this.model.serving.router;
        throw new Error(`unknown router ${String(unreachable)}`);
      }
    }
  }

  private chooseDecodeInstance(): ServingInstance {
    const targets = this.decodeStage;
    return this.model.serving.router === "round-robin"
      ? (targets[this.rrDecode++ % targets.length] as ServingInstance)
      : leastOutstanding(targets, this.rrDecode++);
  }

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

  /**
   * Step times of a window of `steps` decode steps: the step model at the first, middle and last
   * step, and the quadratic through them in between (exact when step time is affine or quadratic
   * in the KV length, as attention makes it), so a window costs three step-model calls.
   * Returns the window's total time.
   */
  private planWindow(instance: ServingInstance, steps: number): number {
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

  private decodeStepTime(instance: ServingInstance, step: number): number {
    const batch = this.decodeBatch;
    batch.sequences = instance.decoding;
    batch.kvTokens = instance.contextAt(step);
    return instance.perf.decodeStepS(batch as DecodeBatch);
  }

  private startIteration(instance: ServingInstance): void {
    instance.scheduling = true;
    this.formIteration(instance);
    instance.scheduling = false;
  }

  private formIteration(instance: ServingInstance): void {
    const serving = this.model.serving;
    if (instance.role !== "prefill") {
      this.admitSwapped(instance);
      if (instance.role === "decode") this.admitDecodeWaiting(instance);
      this.ensureKv(instance);
    }
    if (instance.role !== "decode") this.formPrefillBatch(instance);
    const decodes = instance.role === "prefill" ? 0 : instance.decoding;
    instance.iterationStartS = this.now;
    instance.windowShortened = false;
    if (instance.batchCount > 0) {
      const mixed = decodes > 0 && serving.scheduler.chunkedPrefill;
      let time = this.prefillStepTime(instance);
      if (mixed) time += this.decodeStepTime(instance, instance.step);
      time += instance.pendingOverheadS;
      instance.pendingOverheadS = 0;
      instance.iterationKind = mixed ? "mixed" : "prefill";
      instance.batchDecodes = mixed ? decodes : 0;
      this.schedule(instance, time);
      return;
    }
    if (decodes > 0) {
      this.cleanHeapTop(instance);
      let steps = (instance.finishHeap.peekValue() as number) - instance.step;
      if (instance.contextRate > 0) {
        const room = instance.kvCapacity - instance.kvUsedAt(instance.step);
        steps = Math.min(steps, Math.max(1, Math.floor(room / instance.contextRate)));
      }
      steps = Math.max(1, Math.min(steps, MAX_WINDOW_STEPS));
      instance.windowOverheadS = instance.pendingOverheadS;
      instance.pendingOverheadS = 0;
      const time = instance.windowOverheadS + this.planWindow(instance, steps);
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

  private prefillStepTime(instance: ServingInstance): number {
    const pool = this.pool;
    const batch = this.prefillBatch;
    batch.sequences = instance.batchCount;
    batch.newTokens = 0;
    batch.attendedTokenPairs = 0;
    for (let i = 0; i < instance.batchCount; i++) {
      const id = instance.batchIds[i] as number;
      const chunk = instance.batchChunks[i] as number;
      batch.newTokens += chunk;
      batch.attendedTokenPairs += chunk * ((pool.prefillDone[id] as number) + (chunk + 1) / 2);
    }
    return instance.perf.prefillStepS(batch as PrefillBatch);
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
    this.finishDecodes(instance);
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
      this.joinDecode(instance, id, pool.prefillTarget[id] as number);
      return;
    }
    const decode = this.chooseDecodeInstance();
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

  private joinDecode(instance: ServingInstance, id: number, context: number): void {
    const pool = this.pool;
    const remaining = (pool.outputTokens[id] as number) - (pool.generated[id] as number);
    const steps = decodeStepsFor(this.mtp, remaining, this.mtpRng);
    pool.state[id] = REQUEST_STATE.decoding;
    instance.joinDecode(pool, id, context, steps, remaining / steps);
  }

  private admitDecodeWaiting(instance: ServingInstance): void {
    const pool = this.pool;
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

  private admitSwapped(instance: ServingInstance): void {
    const pool = this.pool;
    const swapped = instance.swapped;
    while (swapped.length > 0 && instance.decoding < instance.maxSequences) {
      const id = swapped.peek();
      const context = (pool.promptTokens[id] as number) + (pool.generated[id] as number);
      const needed =
        instance.kvUsedAt(instance.step + 1) + context + instance.halfBlockTokens + this.growthHeadroom;
      if (needed > instance.kvCapacity && instance.decoding > 0) break;
      swapped.popFront();
      instance.pendingOverheadS += this.model.swap?.transferS(context * instance.perf.kvBytesPerToken) ?? 0;
      this.joinDecode(instance, id, context);
    }
  }

  /** Preempts the most recently joined sequences until the next step fits in the KV cache. */
  private ensureKv(instance: ServingInstance): void {
    while (instance.decoding > 1 && instance.kvUsedAt(instance.step + 1) > instance.kvCapacity)
      this.preempt(instance, instance.tail);
  }

  private preempt(instance: ServingInstance, id: number): void {
    const pool = this.pool;
    const rate = pool.tokensPerStep[id] as number;
    const progressed = Math.floor(rate * (instance.step - (pool.joinStep[id] as number)));
    instance.leaveDecode(pool, id);
    const output = pool.outputTokens[id] as number;
    pool.generated[id] = Math.min(output - 1, (pool.generated[id] as number) + progressed);
    pool.preemptions[id] = (pool.preemptions[id] as number) + 1;
    const context = (pool.promptTokens[id] as number) + (pool.generated[id] as number);
    if (this.model.serving.kvCache.preemption === "swap") {
      this.recorder.swapPreemptions++;
      instance.pendingOverheadS += this.model.swap?.transferS(context * instance.perf.kvBytesPerToken) ?? 0;
      pool.state[id] = REQUEST_STATE.swapped;
      instance.swapped.pushBack(id);
      return;
    }
    this.recorder.recomputePreemptions++;
    pool.prefillTarget[id] = context;
    pool.prefillDone[id] = 0;
    if (instance.role === "colocated") {
      this.enqueue(instance, id, true);
      return;
    }
    instance.outstanding--;
    pool.decodeInstance[id] = -1;
    const prefill = leastOutstanding(this.prefillStage);
    prefill.outstanding++;
    pool.prefillInstance[id] = prefill.id;
    this.enqueue(prefill, id, true);
  }

  private cleanHeapTop(instance: ServingInstance): void {
    const heap = instance.finishHeap;
    const pool = this.pool;
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

  private finishDecodes(instance: ServingInstance): void {
    if (instance.role === "prefill") return;
    const heap = instance.finishHeap;
    const pool = this.pool;
    for (;;) {
      this.cleanHeapTop(instance);
      if (heap.length === 0 || (heap.peekValue() as number) > instance.step) return;
      const id = heap.pop() as number;
      instance.leaveDecode(pool, id);
      pool.generated[id] = pool.outputTokens[id] as number;
      this.finish(id, instance);
    }
  }

  private formPrefillBatch(instance: ServingInstance): void {
    const pool = this.pool;
    const scheduler = this.model.serving.scheduler;
    let budget = scheduler.maxBatchTokens;
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
          this.now - (pool.arrivalS[id] as number) > maxDelay &&
          Number.isNaN(pool.startS[id] as number)
        ) {
          deque.popFront();
          instance.waitingCount--;
          instance.outstanding--;
          this.drop(id, "queue-timeout");
          continue;
        }
        const need = pool.prefillTarget[id] as number;
        if (need + instance.halfBlockTokens > instance.kvCapacity) {
          // A recomputed sequence (prompt + output so far) that this prefill instance can never hold.
          deque.popFront();
          instance.waitingCount--;
          instance.outstanding--;
          this.drop(id, "exceeds-kv-capacity");
          continue;
        }
        const used = instance.kvUsedAt(instance.step + decodeGrowth);
        const headroom = colocated ? this.growthHeadroom : 0;
        if (used + need + instance.halfBlockTokens + headroom > instance.kvCapacity) return;
        const remaining = need - (pool.prefillDone[id] as number);
        if (!scheduler.chunkedPrefill && remaining > budget && instance.batchCount > 0) return;
        const chunk = scheduler.chunkedPrefill ? Math.min(remaining, budget) : remaining;
        deque.popFront();
        instance.waitingCount--;
        instance.active.push(id);
        pool.reservedTokens[id] = need;
        instance.kvHeld += need;
        pool.state[id] = REQUEST_STATE.prefilling;
        if (Number.isNaN(pool.startS[id] as number)) pool.startS[id] = this.now;
        this.recorder.prefillRequested += need;
        instance.pushBatch(id, chunk);
        budget -= chunk;
      }
    }
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

/** The instance with the fewest outstanding requests; ties go to the first at or after `start` (rotating). */
function leastOutstanding(targets: readonly ServingInstance[], start = 0): ServingInstance {
  const n = targets.length;
  let best = targets[start % n] as ServingInstance;
  for (let k = 1; k < n; k++) {
    const t = targets[(start + k) % n] as ServingInstance;
    if (t.outstanding < best.outstanding) best = t;
  }
  return best;
}

function minCapacity(instances: readonly ServingInstance[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const i of instances) if (i.kvCapacity < min) min = i.kvCapacity;
  return min;
}

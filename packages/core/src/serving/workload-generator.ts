/**
 * Turns a `WorkloadSpec` into requests: the open-loop arrival process (Poisson, Gamma, piecewise
 * rate, trace replay) or closed-loop users, with sampled prompt/output lengths, shared-prefix groups
 * and priority classes. Each random quantity has its own seeded stream.
 */
import { type ArrivalSpec, SupernodeError, type WorkloadSpec } from "../spec/index.ts";
import { type LengthSampler, lengthSampler, type WorkloadFiles } from "./length-distribution.ts";
import type { RequestPool } from "./request-pool.ts";
import { RNG_STREAM, Rng } from "./rng.ts";
import { parseTrace, type RequestTrace } from "./trace-reader.ts";

/** When the workload stops sending: after `requests` requests, or at `durationS` of simulated time. */
export interface StopRule {
  readonly requests?: number;
  readonly durationS?: number;
}

export class WorkloadGenerator {
  /** Time of the next open-loop arrival (Infinity when none is left, or closed loop). */
  nextTimeS = Number.POSITIVE_INFINITY;
  /** Requests emitted so far. */
  emitted = 0;
  readonly closedLoopUsers: number;
  readonly thinkTimeS: number;
  readonly prefixGroups: number;

  private readonly arrival: ArrivalSpec;
  private readonly arrivalRng: Rng;
  private readonly promptRng: Rng;
  private readonly outputRng: Rng;
  private readonly groupRng: Rng;
  private readonly priorityRng: Rng;
  private readonly prompt: LengthSampler | undefined;
  private readonly output: LengthSampler | undefined;
  private readonly trace: RequestTrace | undefined;
  private readonly groupCdf: Float64Array;
  private readonly priorityCdf: Float64Array;
  private readonly priorityValues: Int32Array;
  private clockS = 0;

  /**
   * @example
   * const gen = new WorkloadGenerator(spec, new Map(), 7, { requests: 1000 });
   * while (gen.nextTimeS < Infinity) gen.emitOpenLoop(pool);
   */
  constructor(
    private readonly spec: WorkloadSpec,
    files: WorkloadFiles,
    seed: number,
    private readonly stop: StopRule,
  ) {
    this.arrival = spec.arrival;
    this.arrivalRng = new Rng(seed, RNG_STREAM.arrivals);
    this.promptRng = new Rng(seed, RNG_STREAM.promptLengths);
    this.outputRng = new Rng(seed, RNG_STREAM.outputLengths);
    this.groupRng = new Rng(seed, RNG_STREAM.prefixGroups);
    this.priorityRng = new Rng(seed, RNG_STREAM.priorities);
    this.prompt = spec.promptTokens === undefined ? undefined : lengthSampler(spec.promptTokens, files);
    this.output = spec.outputTokens === undefined ? undefined : lengthSampler(spec.outputTokens, files);
    if (this.arrival.kind === "trace") {
      const text = files.get(this.arrival.file);
      if (text === undefined)
        throw new SupernodeError(
          "invalid-value",
          `trace file ${this.arrival.file} was not provided to the simulator`,
          {
            file: this.arrival.file,
          },
        );
      this.trace = parseTrace(text, this.arrival.file, this.arrival.format);
    }
    this.closedLoopUsers = this.arrival.kind === "closed-loop" ? this.arrival.concurrency : 0;
    this.thinkTimeS = this.arrival.kind === "closed-loop" ? this.arrival.thinkTimeS : 0;
    this.groupCdf = groupCdf(spec);
    this.prefixGroups = this.trace?.prefixGroups ?? spec.prefixSharing?.groups ?? 0;
    const classes = spec.priorityClasses ?? [{ name: "default", priority: 0, weight: 1 }];
    this.priorityCdf = new Float64Array(classes.length);
    this.priorityValues = new Int32Array(classes.length);
    let total = 0;
    classes.forEach((c, i) => {
      total += c.weight;
      this.priorityCdf[i] = total;
      this.priorityValues[i] = c.priority;
    });
    if (this.arrival.kind !== "closed-loop") this.advanceOpenLoop();
  }

  /** Whether the stop rule still allows a request sent at `timeS`. */
  allows(timeS: number): boolean {
    if (this.stop.requests !== undefined && this.emitted >= this.stop.requests) return false;
    if (this.stop.durationS !== undefined && timeS > this.stop.durationS) return false;
    if (this.trace !== undefined && this.emitted >= this.trace.count) return false;
    return true;
  }

  /** Emits the open-loop request due at `nextTimeS` and schedules the one after. Returns its id. */
  emitOpenLoop(pool: RequestPool): number {
    const id = this.create(pool, this.nextTimeS, -1);
    this.advanceOpenLoop();
    return id;
  }

  /** Emits closed-loop user `user`'s next request at `timeS`, or returns -1 if the workload is over. */
  emitClosedLoop(pool: RequestPool, user: number, timeS: number): number {
    if (!this.allows(timeS)) return -1;
    return this.create(pool, timeS, user);
  }

  private create(pool: RequestPool, timeS: number, user: number): number {
    const index = this.emitted++;
    let prompt: number;
    let output: number;
    let group = -1;
    let prefixTokens = 0;
    if (this.trace !== undefined) {
      prompt = this.trace.promptTokens[index] as number;
      output = this.trace.outputTokens[index] as number;
      group = this.trace.prefixGroup[index] as number;
      prefixTokens = this.trace.prefixTokens[index] as number;
    } else {
      prompt = (this.prompt as LengthSampler)(this.promptRng);
      output = (this.output as LengthSampler)(this.outputRng);
      const sharing = this.spec.prefixSharing;
      if (sharing !== undefined && this.groupRng.uniform() < sharing.fraction) {
        group = pick(this.groupCdf, this.groupRng.uniform());
        prefixTokens = sharing.prefixTokens;
        if (prompt <= prefixTokens) prompt = prefixTokens + 1;
      }
    }
    const priority =
      this.priorityValues.length === 1
        ? (this.priorityValues[0] as number)
        : (this.priorityValues[pick(this.priorityCdf, this.priorityRng.uniform())] as number);
    return pool.add(timeS, prompt, output, group, prefixTokens, priority, user);
  }

  private advanceOpenLoop(): void {
    const next = this.nextArrival();
    this.nextTimeS = this.allows(next) ? next : Number.POSITIVE_INFINITY;
  }

  private nextArrival(): number {
    const arrival = this.arrival;
    switch (arrival.kind) {
      case "poisson":
        this.clockS += this.arrivalRng.exponential(arrival.ratePerS);
        return this.clockS;
      case "gamma": {
        const shape = 1 / arrival.burstiness;
        this.clockS += this.arrivalRng.gamma(shape, 1 / (arrival.ratePerS * shape));
        return this.clockS;
      }
      case "piecewise":
        this.clockS = piecewiseNext(arrival, this.clockS, this.arrivalRng.exponential(1));
        return this.clockS;
      case "trace":
        return this.emitted < (this.trace as RequestTrace).count
          ? ((this.trace as RequestTrace).arrivalS[this.emitted] as number) * arrival.timeScale
          : Number.POSITIVE_INFINITY;
      case "closed-loop":
        return Number.POSITIVE_INFINITY;
      default: {
        const unreachable: never = arrival;
        throw new Error(`unknown arrival ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

/** Next arrival of a Poisson process with a piecewise-constant rate, consuming `area` of Exp(1). */
function piecewiseNext(
  spec: Extract<ArrivalSpec, { kind: "piecewise" }>,
  fromS: number,
  area: number,
): number {
  let cycle = 0;
  let cycleArea = 0;
  for (const s of spec.segments) {
    cycle += s.durationS;
    cycleArea += s.durationS * s.ratePerS;
  }
  let t = fromS;
  let remaining = area;
  if (spec.repeat) {
    if (cycleArea === 0) return Number.POSITIVE_INFINITY;
    const whole = Math.floor(remaining / cycleArea);
    t += whole * cycle;
    remaining -= whole * cycleArea;
  }
  for (let guard = 0; guard < 4 * spec.segments.length + 8; guard++) {
    const { rate, end } = segmentAt(spec, cycle, t);
    if (rate > 0 && remaining <= rate * (end - t)) return t + remaining / rate;
    if (end === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    remaining -= rate * (end - t);
    t = end;
  }
  return Number.POSITIVE_INFINITY;
}

function segmentAt(
  spec: Extract<ArrivalSpec, { kind: "piecewise" }>,
  cycle: number,
  t: number,
): { rate: number; end: number } {
  const cycleStart = spec.repeat ? Math.floor(t / cycle) * cycle : 0;
  const phase = t - cycleStart;
  let offset = 0;
  for (const s of spec.segments) {
    if (phase < offset + s.durationS) return { rate: s.ratePerS, end: cycleStart + offset + s.durationS };
    offset += s.durationS;
  }
  const first = spec.segments[0] as { ratePerS: number; durationS: number };
  const last = spec.segments[spec.segments.length - 1] as { ratePerS: number };
  // Past the end: the last rate forever, or (rounding at a cycle boundary) the next cycle.
  return spec.repeat
    ? { rate: first.ratePerS, end: cycleStart + cycle + first.durationS }
    : { rate: last.ratePerS, end: Number.POSITIVE_INFINITY };
}

function groupCdf(spec: WorkloadSpec): Float64Array {
  const sharing = spec.prefixSharing;
  if (sharing === undefined) return new Float64Array(0);
  const cdf = new Float64Array(sharing.groups);
  let total = 0;
  for (let g = 0; g < sharing.groups; g++) {
    total += sharing.popularity === "zipf" ? 1 / (g + 1) ** sharing.zipfExponent : 1;
    cdf[g] = total;
  }
  for (let g = 0; g < sharing.groups; g++) cdf[g] = (cdf[g] as number) / total;
  return cdf;
}

/** Index of the first cumulative weight above `u` (cdf normalised to 1 or not). */
function pick(cdf: Float64Array, u: number): number {
  const target = u * (cdf[cdf.length - 1] as number);
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cdf[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Memory of the most loaded rank of an instance group, with pipeline stages and offload: each
 * pipeline stage holds its own layers' weights and KV cache (the first stage the embedding, the
 * last the LM head), and the rank that fits worst is reported; offloaded weights and KV leave HBM
 * for host DRAM, and a double buffer of two layers' streamed weights stays in HBM.
 */
import type { ModelArchitecture } from "../model/index.ts";
import { type RankMemory, rankMemory } from "./memory.ts";
import type { InstancePlan, Precision } from "./plan.ts";
import { draftPrecision } from "./speculative-plan.ts";

export interface InstanceRankMemory extends RankMemory {
  /** The pipeline stage this rank belongs to (the one with the least free memory). */
  readonly stage?: number;
  /** Weights and KV cache of this rank held in host memory (offload). */
  readonly hostWeightsBytes?: number;
  readonly hostKvCacheBytes?: number;
}

const LAYER_COMPONENTS = ["attention", "dense-ffn", "routed-experts", "shared-experts", "router"];

function withOffload(m: RankMemory, plan: InstancePlan, layers: number): InstanceRankMemory {
  const offload = plan.offload;
  if (offload === undefined) return m;
  let layerBytes = 0;
  for (const c of LAYER_COMPONENTS) layerBytes += m.weightsByComponent[c] ?? 0;
  const hostWeightsBytes = offload.weightsFraction * layerBytes;
  const prefetchBytes = layers > 0 ? (2 * hostWeightsBytes) / layers : 0;
  const weightsBytes = m.weightsBytes - hostWeightsBytes + Math.min(prefetchBytes, hostWeightsBytes);
  const hostKvCacheBytes = offload.kvCacheFraction * m.kvCacheBytes;
  const kvCacheBytes = m.kvCacheBytes - hostKvCacheBytes;
  const totalBytes = weightsBytes + kvCacheBytes + m.communicationBuffersBytes + m.activationsBytes;
  return {
    ...m,
    weightsBytes,
    kvCacheBytes,
    totalBytes,
    freeBytes: m.capacityBytes - totalBytes,
    kvBytesPerTokenOnRank: m.kvBytesPerTokenOnRank * (1 - offload.kvCacheFraction),
    hostWeightsBytes,
    hostKvCacheBytes,
  };
}

/** Adds a speculative draft model's weights and KV cache (it runs on the same ranks, with the same TP). */
function withDraft(m: InstanceRankMemory, plan: InstancePlan, precision: Precision): InstanceRankMemory {
  const draft = plan.mtp?.draft;
  if (draft === undefined) return m;
  const { mtp: _m, moe: _e, pipeline: _p, offload: _o, ...rest } = plan;
  const d = rankMemory(draft.arch, draftPrecision(precision, draft.weights), rest, m.capacityBytes);
  const weightsBytes = m.weightsBytes + d.weightsBytes;
  const kvCacheBytes = m.kvCacheBytes + d.kvCacheBytes;
  const totalBytes = weightsBytes + kvCacheBytes + m.communicationBuffersBytes + m.activationsBytes;
  return {
    ...m,
    weightsBytes,
    weightsByComponent: { ...m.weightsByComponent, draft: d.weightsBytes },
    kvCacheBytes,
    totalBytes,
    freeBytes: m.capacityBytes - totalBytes,
    kvBytesPerTokenOnRank: m.kvBytesPerTokenOnRank + d.kvBytesPerTokenOnRank,
  };
}

/**
 * @example instanceRankMemory(arch, precision, plan, 141e9).freeBytes
 */
export function instanceRankMemory(
  arch: ModelArchitecture,
  precision: Precision,
  plan: InstancePlan,
  capacityBytes: number,
): InstanceRankMemory {
  const pipeline = plan.pipeline;
  if (pipeline === undefined)
    return withDraft(
      withOffload(rankMemory(arch, precision, plan, capacityBytes), plan, arch.numLayers),
      plan,
      precision,
    );
  let worst: InstanceRankMemory | undefined;
  for (let s = 0; s < pipeline.stages; s++) {
    const layers = pipeline.layersPerStage[s] ?? 0;
    const range = {
      firstLayer: pipeline.firstLayer[s] ?? 0,
      layers,
      first: s === 0,
      last: s === pipeline.stages - 1,
    };
    const stageMemory = rankMemory(arch, precision, pipeline.stage, capacityBytes, range);
    const offloaded = withOffload(stageMemory, pipeline.stage, layers);
    // The draft model runs after the LM head, on the last stage.
    const m = { ...(range.last ? withDraft(offloaded, pipeline.stage, precision) : offloaded), stage: s };
    if (worst === undefined || m.freeBytes < worst.freeBytes) worst = m;
  }
  return worst as InstanceRankMemory;
}

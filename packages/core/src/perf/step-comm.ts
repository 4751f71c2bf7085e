/**
 * The step model's communication items: MoE dispatch/combine and the collectives of attention
 * and FFN tensor parallelism, costed by the fabric model's analytical engine
 * (`network/moe-communication.ts`, `network/collective-time.ts`) on the scenario's system, or on
 * the cluster of systems when an instance spans several.
 */
import type { InstancePlan, OperatorGroup, Scenario } from "../deploy/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import {
  builtinNcclProtocols,
  type CollectiveOp,
  collectiveTime,
  engineOwnAllReduce,
  fabricModel,
  type MoeDirection,
  moeCombineTime,
  moeDispatchTime,
} from "../network/index.ts";
import { BoundedMemo, memoByObject } from "../spec/index.ts";
import type { FabricTarget } from "../topology/index.ts";
import type { StepItem } from "./step-operators.ts";

/** The time of one MoE transfer as a step item. */
export type MoeCommCost = (
  ranks: number,
  tokensPerRank: number,
  topK: number,
  bytesPerToken: number,
  imbalance: number,
  railImbalance?: number,
) => StepItem;

export interface StepComm {
  /**
   * Dispatch of `tokensPerRank` tokens × `topK` copies to EP `ranks`; the hottest rank gets
   * `imbalance` × the mean, the hottest domain's NICs `railImbalance` × (where kernels forward
   * inside the destination domain; default `imbalance`).
   */
  dispatch: MoeCommCost;
  /** Combine (the reverse transfer), with the same arguments as `dispatch`. */
  combine: MoeCommCost;
  /** A collective among `ranks` consecutive ranks; `bytes` per the nccl-tests conventions. */
  collective(group: OperatorGroup, name: string, op: CollectiveOp, bytes: number, ranks: number): StepItem;
}

function item(name: string, group: OperatorGroup, timeS: number, bytes: number): StepItem {
  // Copy / NIC engines move the data: no compute share, no HBM-bandwidth demand in the contention model.
  return {
    name,
    group,
    timeS,
    bound: "fabric",
    flops: 0,
    bytes,
    overheadS: 0,
    computeS: timeS,
    memoryS: 0,
    defaulted: [],
  };
}

/**
 * Communication costs for an instance group, memoised per request on the fabric target, with the
 * group's MoE transport, kernels, library and routing in the key: a serving simulation asks for the
 * same few sizes many times, and a deployment search's candidates on one system ask for the same
 * transfers. Every input of a request must be in its key.
 * @example stepComm(scenario, plan).dispatch(320, 48, 9, 7392, 1.05).timeS
 */
export function stepComm(scenario: Scenario, plan: InstancePlan): StepComm {
  const target = scenario.fabricTarget;
  const transport = plan.moe?.transport ?? "auto";
  // All-gather / reduce-scatter MoE communication is costed as collectives (step-collectives.ts).
  const library = plan.moe?.library === "allgather-reducescatter" ? undefined : plan.moe?.library;
  // SGLang / DeepSeek serving: normal (throughput) kernels for prefill, low-latency for decode
  const kernels = plan.role === "prefill" ? "normal" : "low-latency";
  const moeArch = scenario.model.moe;
  const routing =
    moeArch !== undefined
      ? {
          experts: moeArch.numRoutedExperts,
          groups: moeArch.numExpertGroups,
          topKGroups: moeArch.topKGroups,
        }
      : undefined;
  const memo = itemsOn(target);
  const setup = `${transport}|${kernels}|${library}|${routing?.experts}|${routing?.groups}|${routing?.topKGroups}`;
  const cached = (key: string, make: () => StepItem): StepItem => memo.get(key, make);
  const moe = (direction: MoeDirection): MoeCommCost => {
    const [name, group, time] =
      direction === "dispatch"
        ? (["moe.dispatch", "dispatch", moeDispatchTime] as const)
        : (["moe.combine_transfer", "combine", moeCombineTime] as const);
    return (ranks, tokensPerRank, topK, bytesPerToken, imbalance, railImbalance) =>
      cached(
        `${direction[0]}|${setup}|${ranks}|${tokensPerRank}|${topK}|${bytesPerToken}|${imbalance}|${railImbalance}`,
        () => {
          const r = time({
            system: target,
            ranks,
            tokensPerRank,
            topK,
            bytesPerToken,
            imbalance,
            ...(railImbalance !== undefined ? { railImbalance } : {}),
            transport,
            kernels,
            ...(library !== undefined ? { library } : {}),
            routing,
          });
          return item(name, group, r.timeS, r.hottestRankBytes);
        },
      );
  };
  // Serving engines' TP all-reduces run on unregistered buffers without NVLS (nccl-protocols.yaml).
  const inSwitch = builtinNcclProtocols().servingTpInSwitch;
  // HCCL collectives expanded on the AI CPU (the engine leaves CANN's Atlas A3 default): their own
  // fixed cost per call (protocols.yaml hccl-aicpu). MC2 dispatch / combine are not HCCL collectives.
  const aicpu = scenario.engine?.hcclExpansion === "aicpu" && fabricModel(target).defaultLibrary === "hccl";
  // an engine with its own TP all-reduce kernel runs it where its rule allows (TensorRT-LLM's one-shot
  // where it beats NCCL, engine-all-reduce.yaml; vLLM's custom kernel below its version's cap,
  // vllm-custom-all-reduce.yaml); the TP all-reduces carry BF16 rows of the hidden size (the rule
  // counts rows, so the row width is in the key: two models' messages of equal bytes differ in rows)
  const engine = scenario.engine?.name ?? "";
  const version = scenario.engine?.requestedVersion;
  const rowBytes = scenario.model.hiddenSize * DTYPE_BYTES.bf16;
  return {
    dispatch: moe("dispatch"),
    combine: moe("combine"),
    collective: (group, name, op, bytes, ranks) =>
      cached(
        `x|${inSwitch}|${aicpu}|${engine}|${version}|${rowBytes}|${group}|${name}|${op}|${bytes}|${ranks}`,
        () => {
          const r = collectiveTime(target, {
            op,
            bytes,
            ranks,
            ...(inSwitch ? {} : { inSwitch: false }),
            // the engines' TP all-reduces are their own one-/two-shot kernels, not NCCL's ring
            ...(op === "all-reduce" ? { engineKernel: true } : {}),
            ...(aicpu ? { library: "hccl-aicpu" as const } : {}),
          });
          const own =
            op === "all-reduce"
              ? engineOwnAllReduce(
                  engine,
                  version,
                  fabricModel(target),
                  ranks,
                  bytes / rowBytes,
                  bytes,
                  r.timeS,
                )
              : undefined;
          return own !== undefined
            ? item(name, group, own.timeS, own.loadedBytes)
            : item(name, group, r.timeS, r.bytesPerRank);
        },
      ),
  };
}

/** Fabric items by fabric target, then request. */
const itemsOn = memoByObject((_target: FabricTarget) => new BoundedMemo<StepItem>(100_000));

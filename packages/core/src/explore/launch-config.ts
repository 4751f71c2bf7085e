/**
 * Deployable output for a searched (or written) instance group, as AIConfigurator does for its
 * backends: the launch command of SGLang or vLLM, TensorRT-LLM's `trtllm-serve` with its
 * `--extra_llm_api_options` YAML on NVIDIA systems, vLLM-Ascend on Ascend (CloudMatrix384), with
 * flags derived from the plan's parallelism, batch, MTP, overlap and precision — and the list of
 * what the step model assumed that the engine must match for its figures to hold. Flag names
 * follow the engines' documentation (docs/search.md cites the pages); the engines move quickly,
 * so check them against the release you run. One command per instance group; multi-node
 * instances add the engines' node-rank/address flags, left as placeholders.
 */
import { decodeSequences, type InstancePlan, type InstanceRole, type Scenario } from "../deploy/index.ts";

export type LaunchEngine = "sglang" | "vllm" | "trtllm" | "vllm-ascend";

export interface LaunchConfig {
  readonly engine: LaunchEngine;
  readonly role: InstanceRole;
  /** Shell command of one instance (node 0; other nodes change the rank placeholders). */
  readonly command: string;
  /** Extra files the command reads (TensorRT-LLM's YAML), name and text. */
  readonly files: readonly { readonly name: string; readonly text: string }[];
  /** What the simulator assumed that the engine must match. */
  readonly assumptions: readonly string[];
}

const HF_IDS: Readonly<Record<string, string>> = {
  "deepseek-r1": "deepseek-ai/DeepSeek-R1",
  "deepseek-v3": "deepseek-ai/DeepSeek-V3",
  "kimi-k2": "moonshotai/Kimi-K2-Instruct",
  "qwen3-235b-a22b": "Qwen/Qwen3-235B-A22B",
  "llama-3.1-70b": "meta-llama/Llama-3.1-70B-Instruct",
  "llama-3.1-405b": "meta-llama/Llama-3.1-405B-Instruct",
};

/** The engines that run on the scenario's chip. */
export function launchEngines(scenario: Scenario): LaunchEngine[] {
  return scenario.system.node.accelerator.chip.vendor === "Huawei"
    ? ["vllm-ascend"]
    : ["sglang", "vllm", "trtllm"];
}

/**
 * The launch configuration of one group of a scenario for one engine.
 * @example launchConfig(scenario, "decode", "sglang").command
 */
export function launchConfig(scenario: Scenario, role: InstanceRole, engine: LaunchEngine): LaunchConfig {
  const plan = scenario.deployment[role];
  if (plan === undefined) throw new Error(`the scenario has no ${role} group`);
  const model = HF_IDS[scenario.model.id] ?? `/path/to/${scenario.model.id}-checkpoint`;
  const p = facts(scenario, plan);
  const assumptions = assumed(scenario, plan, p);
  switch (engine) {
    case "sglang":
      return { engine, role, command: sglang(model, role, p), files: [], assumptions };
    case "vllm":
      return { engine, role, command: vllm(model, role, p, false), files: [], assumptions };
    case "vllm-ascend":
      return { engine, role, command: vllm(model, role, p, true), files: [], assumptions };
    case "trtllm":
      return {
        engine,
        role,
        command: `trtllm-serve ${model} --backend pytorch --tp_size ${p.tpGroup} --pp_size ${p.pp} --ep_size ${p.ep} --max_batch_size ${p.seqsPerDpRank} --max_num_tokens ${p.maxTokens} --extra_llm_api_options ${role}.yaml`,
        files: [{ name: `${role}.yaml`, text: trtllmYaml(p, scenario) }],
        assumptions,
      };
  }
}

interface Facts {
  readonly ranks: number;
  /** Ranks of one pipeline stage. */
  readonly stageRanks: number;
  readonly pp: number;
  readonly attnTp: number;
  readonly attnDp: number;
  /** The TP group size engines take with DP attention (all ranks of a stage). */
  readonly tpGroup: number;
  readonly ep: number;
  readonly nodes: number;
  /** Systems the instance spans (more than one: part of its traffic crosses the scale-out fabric). */
  readonly systems: number;
  readonly seqsPerDpRank: number;
  readonly maxTokens: number;
  readonly draftTokens: number;
  readonly overlap: boolean;
  readonly redundant: number;
  readonly kvFp8: boolean;
  readonly weights: string;
}

function facts(scenario: Scenario, plan: InstancePlan): Facts {
  const pp = plan.pipeline?.stages ?? 1;
  const stageRanks = plan.ranksPerInstance / pp;
  const perNode = scenario.system.node.accelerator.count.value * plan.ranksPerChip;
  const seqs = decodeSequences(plan);
  const seqsPerDpRank = Math.max(1, Math.ceil(seqs / plan.attention.dp));
  const draft = plan.mtp?.draftTokens ?? 0;
  const maxTokens =
    plan.role === "prefill"
      ? Math.ceil(((plan.tokensPerChip ?? 0) * plan.chipsPerInstance) / plan.attention.dp)
      : seqsPerDpRank * (1 + draft);
  return {
    ranks: plan.ranksPerInstance,
    stageRanks,
    pp,
    attnTp: plan.attention.tp,
    attnDp: plan.attention.dp,
    tpGroup: stageRanks,
    ep: plan.moe?.ep ?? 1,
    nodes: Math.max(1, Math.ceil(plan.ranksPerInstance / perNode)),
    systems: Math.max(
      1,
      Math.ceil(
        plan.chipsPerInstance / (scenario.system.nodes.value * scenario.system.node.accelerator.count.value),
      ),
    ),
    seqsPerDpRank,
    maxTokens: Math.max(1, maxTokens),
    draftTokens: draft,
    overlap: plan.overlap !== undefined,
    redundant: plan.moe?.redundantExperts ?? 0,
    kvFp8: scenario.precision.kvCache === "fp8",
    weights: scenario.precision.weights,
  };
}

function multiNode(p: Facts, flags: { nnodes: string; rank: string; addr: string }): string[] {
  return p.nodes > 1
    ? [`${flags.nnodes} ${p.nodes}`, `${flags.rank} <0..${p.nodes - 1}>`, `${flags.addr} <node0-ip:port>`]
    : [];
}

function sglang(model: string, role: InstanceRole, p: Facts): string {
  const f = [
    `python -m sglang.launch_server --model-path ${model}`,
    `--tp-size ${p.tpGroup}`,
    ...(p.pp > 1 ? [`--pp-size ${p.pp}`] : []),
    ...(p.attnDp > 1 ? [`--dp-size ${p.attnDp}`, "--enable-dp-attention"] : []),
    ...(p.ep > 1 ? [`--ep-size ${p.ep}`, "--moe-a2a-backend deepep"] : []),
    ...(p.redundant > 0 ? [`--ep-num-redundant-experts ${p.redundant}`, "--enable-eplb"] : []),
    ...(p.overlap ? ["--enable-two-batch-overlap"] : []),
    ...(p.draftTokens > 0
      ? [
          `--speculative-algorithm EAGLE --speculative-num-steps ${p.draftTokens} --speculative-eagle-topk 1 --speculative-num-draft-tokens ${p.draftTokens + 1}`,
        ]
      : []),
    ...(p.kvFp8 ? ["--kv-cache-dtype fp8_e4m3"] : []),
    role === "prefill"
      ? `--chunked-prefill-size ${p.maxTokens * p.attnDp}`
      : `--max-running-requests ${p.seqsPerDpRank * p.attnDp}`,
    ...(role === "colocated" ? [] : [`--disaggregation-mode ${role}`]),
    ...multiNode(p, { nnodes: "--nnodes", rank: "--node-rank", addr: "--dist-init-addr" }),
  ];
  return f.join(" \\\n  ");
}

function vllm(model: string, role: InstanceRole, p: Facts, ascend: boolean): string {
  const f = [
    `vllm serve ${model}`,
    `--tensor-parallel-size ${p.attnTp}`,
    ...(p.pp > 1 ? [`--pipeline-parallel-size ${p.pp}`] : []),
    ...(p.attnDp > 1 ? [`--data-parallel-size ${p.attnDp}`] : []),
    ...(p.ep > 1 ? ["--enable-expert-parallel"] : []),
    ...(p.redundant > 0 && !ascend
      ? [`--enable-eplb --eplb-config '{"num_redundant_experts": ${p.redundant}}'`]
      : []),
    ...(p.overlap && !ascend ? ["--enable-dbo"] : []),
    ...(p.draftTokens > 0
      ? [`--speculative-config '{"method": "deepseek_mtp", "num_speculative_tokens": ${p.draftTokens}}'`]
      : []),
    ...(p.kvFp8 ? ["--kv-cache-dtype fp8"] : []),
    ...(ascend && p.weights === "int8" ? ["--quantization ascend"] : []),
    `--max-num-seqs ${p.seqsPerDpRank}`,
    `--max-num-batched-tokens ${p.maxTokens}`,
    ...(role === "colocated"
      ? ["--enable-chunked-prefill"]
      : [`--kv-transfer-config '{"kv_role": "${role === "prefill" ? "kv_producer" : "kv_consumer"}", ...}'`]),
    ...(ascend ? [`--additional-config '{"torchair_graph_config": {"enabled": true}}'`] : []),
    ...(p.nodes > 1 && p.attnDp > 1
      ? [
          `--data-parallel-size-local ${Math.max(1, Math.round(p.attnDp / p.nodes))}`,
          "--data-parallel-start-rank <node index × local size>",
          "--data-parallel-address <node0-ip>",
        ]
      : []),
  ];
  return f.join(" \\\n  ");
}

function trtllmYaml(p: Facts, scenario: Scenario): string {
  const lines = [
    `tensor_parallel_size: ${p.tpGroup}`,
    `pipeline_parallel_size: ${p.pp}`,
    `moe_expert_parallel_size: ${p.ep}`,
    `enable_attention_dp: ${p.attnDp > 1}`,
    `max_batch_size: ${p.seqsPerDpRank}`,
    `max_num_tokens: ${p.maxTokens}`,
    "cuda_graph_config:",
    "  enable_padding: true",
    `  max_batch_size: ${p.seqsPerDpRank}`,
    "kv_cache_config:",
    `  dtype: ${p.kvFp8 ? "fp8" : "auto"}`,
    "moe_config:",
    `  backend: ${scenario.system.node.accelerator.chip.id.startsWith("h") ? "CUTLASS" : "TRTLLM"}`,
  ];
  if (p.draftTokens > 0)
    lines.push("speculative_config:", "  decoding_type: MTP", `  num_nextn_predict_layers: ${p.draftTokens}`);
  return `${lines.join("\n")}\n`;
}

function assumed(scenario: Scenario, plan: InstancePlan, p: Facts): string[] {
  const out = [
    `weights ${scenario.precision.weights}, activations ${scenario.precision.activations}, KV cache ${scenario.precision.kvCache}: the checkpoint must be quantized so (e.g. an FP8/NVFP4/W8A8 checkpoint)`,
    `${plan.batchPerChip !== undefined ? `${plan.batchPerChip} sequences per chip (${p.seqsPerDpRank} per attention-DP rank) held full at KV length ${plan.kvLength ?? 0}` : `${plan.tokensPerChip ?? 0} prompt tokens per chip per iteration`}: the engine's batch limit and the load must keep it there`,
    `expert routing ${typeof plan.expertImbalance === "object" ? plan.expertImbalance.distribution : plan.expertImbalance}${p.redundant > 0 ? ` with ${p.redundant} redundant experts placed by EPLB` : ""}: expert load balancing must be on and settled`,
  ];
  if (p.draftTokens > 0 && plan.mtp !== undefined)
    out.push(
      `MTP with ${p.draftTokens} draft token(s) accepted at ${plan.mtp.acceptanceRate}: measure the acceptance on your traffic`,
    );
  if (p.overlap)
    out.push(
      "two-microbatch overlap of communication with compute (SGLang two-batch overlap, vLLM dual-batch overlap)",
    );
  out.push("CUDA graphs / graph mode for decode steps, and no preemption or KV-cache swapping");
  if (p.nodes > 1)
    out.push(
      `${p.nodes} nodes per instance: dispatch/combine over the scale-out fabric where the scale-up domain ends`,
    );
  return out;
}

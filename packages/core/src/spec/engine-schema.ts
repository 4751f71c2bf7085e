/**
 * The serving engine a scenario runs under (`engine: { name, version }`): it selects the engine's
 * recorded kernel profiles and policies (packages/core/data/engines/<name>.yaml, one entry per
 * version range, each value with its source), as NVIDIA's AIConfigurator keeps data per framework
 * version.
 *
 * @example engine: { name: sglang, version: 0.4.6 }
 */
import { z } from "zod";
import { engineReleaseSchema } from "./release-schema.ts";

export const ENGINE_NAMES = [
  "sglang",
  "vllm",
  "trtllm",
  "vllm-ascend",
  "mindie",
  "cloudmatrix-infer",
  "xdeepserve",
] as const;
export type ServingEngineName = (typeof ENGINE_NAMES)[number];

/** How decode-only iterations run (`engine.decodeGraph`, an engine file's `decodeGraph`). */
export const DECODE_GRAPH_MODES = ["full", "piecewise"] as const;
/** Which of the engine's runtimes runs the model (`engine.runtime`; TensorRT-LLM's `backend`). */
export const ENGINE_RUNTIMES = ["pytorch", "tensorrt"] as const;
/** Where HCCL expands collectives on Ascend (`engine.hcclExpansion`, an engine file's `hcclExpansion`). */
export const HCCL_EXPANSION_MODES = ["aicpu", "aiv"] as const;

export const engineSchema = z.strictObject({
  name: z.enum(ENGINE_NAMES),
  /** Release (e.g. 0.4.6); the newest recorded entry at or below it is used. Default: the newest recorded. */
  version: engineReleaseSchema.optional(),
  /**
   * Which runtime runs the model, for an engine that has two (TensorRT-LLM: `pytorch`, the PyTorch
   * backend and its Python executor, which the engine's recorded data describe; `tensorrt`, TensorRT
   * engines built by trtllm-build and run by the C++ executor, as MLPerf's NVIDIA harness runs
   * Llama and Mixtral). `tensorrt` drops what the release records for the PyTorch runtime only
   * (data/engines/<name>.yaml `tensorrtRuntime`). Default: `pytorch`. An engine that records no
   * TensorRT runtime refuses the field.
   */
  runtime: z.enum(ENGINE_RUNTIMES).optional(),
  /**
   * Whether the engine's overlap scheduler runs (host work for the next step hidden behind the
   * current one; SGLang `--disable-overlap-schedule`, TensorRT-LLM `disable_overlap_scheduler`
   * turn it off). Default: the engine's rule (data/engines/<name>.yaml `hostTime.overlapScheduler`:
   * SGLang turns it off with MTP / EAGLE; TensorRT-LLM runs it). An engine that records no host time
   * refuses it.
   */
  overlapScheduler: z.boolean().optional(),
  /**
   * How decode-only iterations run (vLLM's `--compilation-config` cudagraph_mode; vLLM-Ascend's
   * torchair graph): `full` (FULL / FULL_DECODE_ONLY, torchair) or `piecewise` (attention eager
   * between captured pieces). Default: the engine's rule (data/engines/<name>.yaml `decodeGraph`).
   * An engine that records no per-layer launch time (`hostTime.perLayerUs`) refuses it.
   */
  decodeGraph: z.enum(DECODE_GRAPH_MODES).optional(),
  /**
   * Where HCCL expands the collectives on Ascend: `aiv` when the launch sets
   * `HCCL_OP_EXPANSION_MODE=AIV`, `aicpu` when it leaves CANN's Atlas A3 default. Default: the
   * engine's rule (data/engines/<name>.yaml `hcclExpansion`); an engine that records none refuses it.
   */
  hcclExpansion: z.enum(HCCL_EXPANSION_MODES).optional(),
  /**
   * The launch's `--mem-fraction-static` (SGLang): the KV pool is this share of each rank's device
   * memory less the weights (and communication buffers), with no activation reserve. Default: the
   * release's rule (data/engines/<name>.yaml `staticMemoryFraction`); an engine that records none
   * refuses it, and so does a scenario that also writes `serving.kvCache.usableFraction`.
   */
  memFractionStatic: z.number().gt(0).lt(1).optional(),
  /**
   * The sampling the requests ask for: `greedy` (temperature 0: an argmax), `top-p` or
   * `top-k-top-p` (temperature > 0 with a nucleus and/or a top-k cut). With top-p the engine's
   * recorded sampler (data/engines/<name>.yaml `sampler`) is timed per step (perf/sampler-time.ts).
   * Default: not stated — the step counts one softmax pass over the logits, no engine sampler.
   */
  sampling: z.enum(["greedy", "top-p", "top-k-top-p"]).optional(),
  /**
   * The requests set a repetition, frequency or presence penalty (e.g. `repetition_penalty: 1.1`):
   * the engine's recorded penalty pass (data/engines/<name>.yaml `sampler.penalties`) runs each
   * step over every row's whole vocabulary before the sampler. Needs `sampling` top-p or
   * top-k-top-p. Default: false.
   */
  penalties: z.boolean().optional(),
  /**
   * The attention kernels the engine is told to run (SGLang `--attention-backend`, vLLM
   * `VLLM_ATTENTION_BACKEND`). Default: the engine's own choice for the model on the chip
   * (data/efficiency/engines/<name>/*.yaml `defaultFor`). A backend with an efficiency overlay replaces
   * the chip profile's values it names.
   */
  attentionBackend: z.string().min(1).optional(),
  /** The MoE expert-GEMM kernels (TensorRT-LLM `moe_config.backend`, SGLang `--moe-runner-backend`); as above. */
  moeBackend: z.string().min(1).optional(),
  /**
   * How the engine keeps a hybrid model's recurrent states for its prefix cache (SGLang
   * `--mamba-scheduler-strategy`): `no_buffer` (the cached states only) or `extra_buffer` (plus
   * ping-pong buffers per running request). Default: what the release's `auto` resolves to
   * (data/engines/<name>.yaml `hybridStatePool`). An engine that records no strategies refuses it.
   */
  mambaSchedulerStrategy: z.enum(["no_buffer", "extra_buffer"]).optional(),
  /**
   * The prefix (radix) cache is off (SGLang `--disable-radix-cache`): a hybrid model's state pool
   * then keeps one state per running request. Default: on. Refused as above.
   */
  disableRadixCache: z.boolean().optional(),
});
export type EngineSpec = z.output<typeof engineSchema>;

import { parseScenario, type Scenario } from "../../deploy/scenario.ts";

/**
 * Llama-2-7B (its public config.json, inline) colocated on one H100 with Vidur's default workload
 * (fixed 2,048-token prompts and 512-token outputs, Poisson 0.5 requests/s, 128 requests; Sarathi
 * scheduler with 512-token chunks and at most 128 sequences; microsoft/vidur vidur/config/config.py
 * @7d47513) — an H100 analogue of Vidur's A100 default, for serving tests.
 * @example denseColocatedScenario({ ratePerS: 2 }).workload
 */
export function denseColocatedScenario(
  options: {
    ratePerS?: number;
    budgetCountsDecodes?: boolean;
    chunkedPrefill?: boolean;
    mixWithDecode?: boolean;
  } = {},
): Scenario {
  const text = `
name: Llama-2-7B on one H100 (Vidur default workload)
system: hgx-h100
model:
  hfConfig:
    architectures: [LlamaForCausalLM]
    model_type: llama
    hidden_size: 4096
    intermediate_size: 11008
    num_hidden_layers: 32
    num_attention_heads: 32
    num_key_value_heads: 32
    vocab_size: 32000
    max_position_embeddings: 4096
    rms_norm_eps: 1.0e-5
    rope_theta: 10000
    hidden_act: silu
    tie_word_embeddings: false
    torch_dtype: float16
precision: { weights: bf16, activations: bf16, kvCache: bf16, attention: bf16 }
deployment:
  colocated: { instances: 1, chipsPerInstance: 1, batchPerChip: 16, kvLength: 2560, tokensPerChip: 512, promptLength: 2048 }
workload:
  arrival: { kind: poisson, ratePerS: ${options.ratePerS ?? 0.5} }
  promptTokens: { kind: fixed, tokens: 2048 }
  outputTokens: { kind: fixed, tokens: 512 }
  requests: 128
  seed: 42
serving:
  scheduler: { maxBatchSequences: 128, maxBatchTokens: 512, chunkedPrefill: ${options.chunkedPrefill ?? true}, budgetCountsDecodes: ${options.budgetCountsDecodes ?? true}${options.mixWithDecode !== undefined ? `, mixWithDecode: ${options.mixWithDecode}` : ""} }
`;
  return parseScenario(text, "llama2-7b-h100.yaml");
}

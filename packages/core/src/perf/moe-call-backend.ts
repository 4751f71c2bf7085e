/**
 * The MoE backend a call runs where the engine picks it per call. vLLM 0.11 on Hopper runs block-FP8
 * routed experts through `fused_experts(..., allow_deep_gemm=True)`, which takes DeepGEMM's grouped
 * GEMM only for a call that passes `_valid_deep_gemm` — at least 128 tokens (`M`), the expert slice
 * `N` above 512, `N` and `K` multiples of 128 — and the Triton `fused_moe` chain otherwise: a batch-8
 * scenario's decode runs Triton and its prefill DeepGEMM. The overlay of the backend a scenario names
 * (or the engine's default) carries the test (`backend.perCall`, engine-overlay-file.ts); the step
 * model swaps the profile for the other backend's where a call fails it (step-moe-call.ts).
 */
import { embeddedDataFiles } from "../catalog/index.ts";
import { engineOverlaySet } from "./engine-overlay-set.ts";

/** What the engine tests a MoE call by. */
export interface MoeCall {
  /** Tokens the op is given (vLLM's `M`: hidden_states rows; the op's tokens on the rank). */
  readonly tokens: number;
  /** The rank's expert intermediate slice (`N`, w2's width: the expert width over the expert TP). */
  readonly intermediate: number;
  /** The experts' input width (`K`). */
  readonly hidden: number;
}

/** An overlay's per-call test (engine-overlay-file.ts `perCall`). */
export interface PerCallTest {
  readonly minTokens: number;
  readonly intermediateAbove: number;
  readonly multipleOf: number;
}

/**
 * Whether a call passes the test (so runs the overlay's backend).
 * @example passesPerCall({ minTokens: 128, intermediateAbove: 512, multipleOf: 128 }, { tokens: 8, intermediate: 1536, hidden: 4096 }) // false
 */
export function passesPerCall(test: PerCallTest, call: MoeCall): boolean {
  return (
    call.tokens >= test.minTokens &&
    call.intermediate > test.intermediateAbove &&
    call.intermediate % test.multipleOf === 0 &&
    call.hidden % test.multipleOf === 0
  );
}

/**
 * The MoE backend a call runs instead of the one whose overlay a profile carries (`overlayIds`),
 * or undefined when that overlay has no per-call test or the call passes it.
 * @example moeBackendForCall("vllm", ["vllm-deepgemm-moe-fp8-sm90"], { tokens: 8, intermediate: 1536, hidden: 4096 }) // "triton"
 */
export function moeBackendForCall(
  engine: string,
  overlayIds: readonly string[] | undefined,
  call: MoeCall,
  files: Readonly<Record<string, string>> = embeddedDataFiles,
): string | undefined {
  if (overlayIds === undefined || overlayIds.length === 0) return undefined;
  const overlays = engineOverlaySet(engine, files)?.overlays ?? [];
  const running = overlays.find((o) => o.backend.kind === "moe" && overlayIds.includes(o.id));
  const test = running?.backend.perCall;
  if (test === undefined || passesPerCall(test, call)) return undefined;
  return test.otherwise;
}

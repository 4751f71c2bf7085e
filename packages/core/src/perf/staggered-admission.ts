/**
 * Staggered admission: how many iterations of a generation admit prompts when answer lengths vary.
 *
 * The offline point times one generation of a batch of B sequences. With fixed answer lengths the
 * sequences admitted together finish together, and their successors are admitted together: B·I / c
 * prefill iterations of a full chunk c (offline-generation.ts). When answer lengths vary (a length
 * distribution with a spread, as bench_serving's random dataset at range ratio 0 or ShareGPT draws
 * them), the sequences of a batch finish in different decode steps, and a loop that refills every
 * freed slot — a client at a fixed concurrency (`bench_serving --max-concurrency`, `vllm bench
 * serve --max-concurrency`), or an engine with queued requests — admits each successor in the
 * iteration after its predecessor's last token. A sequence lives S = (O − 1) / τ + 1 decode steps,
 * so B sequences finish at B / S per step; taken as independent (Poisson), a step sees at least one
 * finish with probability 1 − e^(−B/S), and the generation has
 *
 *   A = S · (1 − e^(−B/S))
 *
 * iterations that admit, each with B / A prompts on average (A → B when B ≪ S: one prompt per
 * admission; A → S when B ≫ S: every step admits). The generation's prefill iterations are then
 * max(B·I / c, A): the budget still bounds how many prompt tokens one iteration takes. Each of them
 * is an iteration of its own — alone when the scheduler does not mix prefill with decode (SGLang's
 * default), so the decoding sequences wait in it; mixed into a decode step otherwise — and carries
 * the weight reads, launches and synchronisation of a whole forward for a few hundred tokens.
 * docs/accuracy/staggered-admission-in-a-closed-loop.md.
 */

/**
 * Iterations of one generation of `sequences` that admit at least one prompt, when each lives
 * `stepsPerLifetime` decode steps and answer lengths vary (see the module comment).
 * @example admissionIterations(96, 188) // ≈ 75: 96 prompts over 75 iterations
 */
export function admissionIterations(sequences: number, stepsPerLifetime: number): number {
  if (!(sequences > 0) || !Number.isFinite(sequences))
    throw new RangeError(`admissionIterations needs a positive number of sequences, got ${sequences}`);
  if (!(stepsPerLifetime >= 1) || !Number.isFinite(stepsPerLifetime))
    throw new RangeError(
      `admissionIterations needs at least one decode step per lifetime, got ${stepsPerLifetime}`,
    );
  return stepsPerLifetime * -Math.expm1(-sequences / stepsPerLifetime);
}

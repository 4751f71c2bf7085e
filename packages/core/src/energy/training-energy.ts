/**
 * Energy and cost of a training job from `trainEstimate`: the step's time per regime on the
 * slowest rank (forward, backward and recompute → compute-bound; optimizer → memory-bound; exposed
 * communication → fabric-bound; the pipeline bubble and anything else → idle) through the same
 * power model as serving; joules and dollars per trained token, and for the whole run when the
 * scenario gives its token count.
 */
import type { CostSection, PowerSection } from "../spec/index.ts";
import type { TrainEstimate } from "../training/index.ts";
import { type DeploymentEnergy, deploymentEnergy, type EnergyFigure } from "./deployment-energy.ts";
import { type EnergyAssumption, energyInputs } from "./energy-inputs.ts";

export interface TrainingEnergy {
  readonly system: string;
  readonly assumptions: Readonly<Record<string, EnergyAssumption>>;
  /** All chips of the job; per trained token = the `…InputToken` figures. */
  readonly step: DeploymentEnergy;
  /** The whole run (when the scenario sets the tokens to train on). */
  readonly run?: {
    readonly energyJ: EnergyFigure;
    readonly energyKWh: EnergyFigure;
    readonly costUsd?: EnergyFigure;
  };
}

/**
 * @example trainingEnergy(trainEstimate(parseTrainingScenario(text, "job.yaml"))).step.joulesPerInputToken?.value
 */
export function trainingEnergy(
  e: TrainEstimate,
  power: PowerSection = {},
  cost: CostSection = {},
): TrainingEnergy {
  const s = e.scenario;
  const b = e.breakdown;
  const inputs = energyInputs(s.system, power, cost, "training scenario");
  const fabric = b.tp.exposedS + b.cp.exposedS + b.ep.exposedS + b.dp.exposedS + b.pp.exposedS;
  const step = deploymentEnergy(inputs, {
    chips: s.chips,
    timeByBound: {
      compute: b.forwardS + b.backwardS + b.recomputeS,
      memory: b.optimizerS,
      fabric,
      overhead: 0,
    },
    stepS: e.stepS,
    outputTokensPerS: 0,
    inputTokensPerS: e.tokensPerS,
  });
  let run: TrainingEnergy["run"];
  if (e.train !== undefined) {
    const uses = step.watts.uses;
    const joules = step.watts.value * e.train.seconds;
    const perToken = step.usdPerMillionInputTokens;
    run = {
      energyJ: { value: joules, unit: "J", uses },
      energyKWh: { value: joules / 3.6e6, unit: "kWh", uses },
      ...(perToken !== undefined
        ? { costUsd: { value: (perToken.value * e.train.tokens) / 1e6, unit: "USD", uses: perToken.uses } }
        : {}),
    };
  }
  return {
    system: s.system.id,
    assumptions: inputs.assumptions,
    step,
    ...(run !== undefined ? { run } : {}),
  };
}

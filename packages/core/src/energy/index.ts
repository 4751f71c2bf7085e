// Public surface of the `energy` layer: power at load, energy and cost.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export type { DeploymentEnergy, EnergyFigure, LoadPoint } from "./deployment-energy.ts";
export { deploymentEnergy } from "./deployment-energy.ts";
export type { EnergyAssumption, EnergyInputs } from "./energy-inputs.ts";
export { energyInputs } from "./energy-inputs.ts";
export {
  type EstimateEnergy,
  estimateEnergy,
  type SimulationEnergy,
  type SystemPowerCheck,
  simulationEnergy,
} from "./estimate-energy.ts";
export type { CostDefaults, CurveRegime, PowerCurve, SystemPart, SystemPowerParts } from "./power-data.ts";
export type { TrainingEnergy } from "./training-energy.ts";

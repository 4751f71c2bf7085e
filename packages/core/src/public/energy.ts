// What @supernode/core exports of the energy layer: by name, from the layer's index.ts (its surface
// for the layers above); the package index (../index.ts) re-exports this list. docs/architecture.md.

export {
  type CostDefaults,
  type CurveRegime,
  type DeploymentEnergy,
  type EnergyAssumption,
  type EnergyFigure,
  type EnergyInputs,
  type EstimateEnergy,
  estimateEnergy,
  type LoadPoint,
  type PowerCurve,
  type SimulationEnergy,
  type SystemPart,
  type SystemPowerCheck,
  type SystemPowerParts,
  simulationEnergy,
  type TrainingEnergy,
} from "../energy/index.ts";

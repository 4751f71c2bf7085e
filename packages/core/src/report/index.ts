// Public surface of the `report` layer: validation, tables and chart specifications.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export {
  adoptEndToEndPredictions,
  adoptReferenceTablePredictions,
  type EndToEndPrediction,
  endToEndPredictionsPart,
} from "./end-to-end-parts.ts";
export { fabricAccuracyTable, fabricTableOf, replaceFabricTable } from "./fabric-accuracy-table.ts";
export { type NearestReference, nearestReferences, type ReferenceMetric } from "./nearest-reference.ts";
export type { MetricPhase, OperatingPoint } from "./operating-point.ts";
export {
  boundsLine,
  readmeBlockOf,
  replaceReadmeBlock,
  validationReadmeBlock,
} from "./readme-validation.ts";
export type { CaseLabel, LabelInput, Labelling } from "./reference-labels.ts";
export {
  joinReferenceTable,
  type ReferenceCandidate,
  type ReferenceTable,
  type ReferenceTablePart,
  type ReferenceTableRow,
  referenceTable,
  referenceTablePart,
  tableReferenceCandidates,
} from "./reference-table.ts";
export { breakdownChart, type ChartOption, servingCharts } from "./report-charts.ts";
export {
  type BreakdownPart,
  buildServingReport,
  type ReportScenarioInput,
  type ServingPoint,
  type ServingReport,
  type StepBreakdownView,
  type SystemAssumptions,
  stepBreakdown,
} from "./serving-report.ts";
export type { SloOperatingPoint } from "./slo-operating-point.ts";
export { makeTable, rowCells, type Table, type TableCell, type TableColumn } from "./table.ts";
export {
  type LayoutBox,
  type LayoutBoxKind,
  type LayoutBundle,
  type LayoutGlyph,
  type LayoutGlyphKind,
  type TopologyLayout,
  topologyLayout,
} from "./topology-layout.ts";
export { type ValidateOptions, type ValidationReport, validate } from "./validate.ts";
export {
  type EndToEndCaseSpec,
  type EndToEndMetric,
  type EndToEndReferenceCase,
  type EstimateCache,
  endToEndCaseSpecs,
  referenceScenarioText,
} from "./validate-end-to-end.ts";
export {
  type BoundSummary,
  type ErrorSummary,
  type LabelSummary,
  type SetValue,
  summarizeBounds,
  summarizeValidation,
  VALIDATION_KINDS,
  type ValidationKind,
  type ValidationLabel,
  type ValidationRow,
} from "./validation-rows.ts";
export { type SummaryTableRow, summaryMarkdown } from "./validation-summary-table.ts";

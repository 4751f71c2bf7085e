// Public surface of the `model` layer: transformers as operators per phase: FLOPs, bytes, parameters, KV.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export { checkpointWeightFormats } from "./checkpoint-formats.ts";
export { compressedEntryBytes, compressRatio } from "./compressed-attention.ts";
export { gatedDeltaPrefillOperator } from "./gated-delta-prefill.ts";
export { parseHfConfig, SUPPORTED_MODEL_TYPES, type SupernodeModelMeta } from "./hf-config.ts";
export { kvBytesPerToken, kvBytesPerTokenPerLayer, kvValuesPerTokenPerLayer } from "./kv-cache.ts";
export {
  attentionSpecs,
  hasPerLayerAttention,
  kvHeadSplit,
  layerArchitecture,
  layerAttention,
  sharesTopK,
} from "./layer-attention.ts";
export {
  hasMixer,
  isHashRoutedLayer,
  type LayerGroup,
  type LayerKind,
  layerGroupIndex,
  layerGroups,
  layerKind,
  layerKinds,
  mtpLayerKind,
} from "./layer-kinds.ts";
export { layerOperators, modelHeadOperators, mtpOperators } from "./layer-operators.ts";
export type {
  ComponentPrecisionOption,
  FixedExpertLoad,
  LayerOperatorOptions,
  MlaForm,
} from "./layer-options.ts";
export { defaultComputeDtype, type ModelWorkload, type ResolvedWorkload } from "./layer-work.ts";
export { isLinearAttentionLayer, linearStateBytesPerSequence } from "./linear-attention.ts";
export { SSD_CHUNK, ssdFlopsPerTokenHead } from "./mamba2.ts";
export { type ActivationPassSpec, activationPass, VECTOR_FLOPS_PER_ELEMENT } from "./operator-builder.ts";
export { countParameters, type ParameterCounts } from "./parameters.ts";
export {
  attentionWindow,
  attentionWindowForm,
  fullAttentionLayers,
  windowedWorkload,
} from "./sliding-window.ts";
export {
  type AttentionShape,
  type AttentionSpec,
  type CheckpointComponent,
  type CheckpointFormat,
  HYBRID_BLOCKS,
  type LinearAttentionSpec,
  type ModelArchitecture,
  type ModelFamily,
  type MoeSpec,
  OPERATOR_CLASSES,
  type Operator,
  type OperatorClass,
  type OperatorShape,
  type Phase,
  type PublishedCount,
  type RopeYarnSpec,
  type SlidingWindowSpec,
} from "./types.ts";
export {
  type ComponentFormat,
  type ComponentFormats,
  GEMM_COMPONENTS,
  type GemmComponent,
  type ModelWeightBytesOptions,
  QUANT_SCHEMES,
  type QuantScheme,
  tensorBytes,
  type WeightBytes,
  type WeightBytesOptions,
  type WeightFormat,
  type WeightFormatOverrides,
  weightBytes,
  weightFormat,
} from "./weight-bytes.ts";
export {
  headTensors,
  modelLayerTensors,
  mtpModuleTensors,
  tensorElements,
  WEIGHT_COMPONENTS,
  type WeightComponent,
  type WeightTensor,
} from "./weight-tensors.ts";
export { builtinModel, builtinModelIds } from "./zoo.ts";

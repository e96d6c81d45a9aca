export { TASKS } from './types.ts';
export type {
  HeadKind,
  EncoderKind,
  Task,
  ModelSpec,
  Batch,
  BatchTargets,
  LossResult,
  WindowPrediction,
  SavedWeights,
  SpanModel,
} from './types.ts';
export { makeBatch, disposeBatch } from './batch.ts';
export {
  createSpanModel,
  importSpanModel,
  countParams,
  paramDefs,
  setCrfImpl,
  DEFAULT_SPEC,
  CONV_KERNEL,
  CONV_DILATIONS,
} from './span-model.ts';
export type { CrfImpl } from './span-model.ts';
export { serializeWeights, deserializeWeights } from './serialize.ts';
export {
  CRF_TAGS,
  CRF_NUM_TAGS,
  crfNll,
  crfNllTf,
  crfLogPartitionTf,
  crfPathScoreTf,
  crfForwardBackward,
  crfViterbi,
} from './crf.ts';
export type { CrfArrays, ForwardBackwardResult } from './crf.ts';
export {
  pointerLoss,
  typeLoss,
  softSpanLoss,
  crfSpanLoss,
  countdownLoss,
  uncertaintyTotal,
  weightedMean,
  taskWeightsFromLogSigmas,
} from './losses.ts';
export { linear, im2col, selfAttention, transposeRows, setHandWrittenOps, preferHandWritten } from './ops.ts';
export { attnKeyDim, spanOutputs } from './span-model.ts';

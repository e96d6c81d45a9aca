export { TASKS } from './types.ts';
export type { HeadKind, EncoderKind, Task, ModelSpec, Batch, BatchTargets, LossResult, WindowPrediction, SavedWeights, SpanModel } from './types.ts';
export { makeBatch, disposeBatch } from './batch.ts';
export { createSpanModel, importSpanModel, countParams, paramDefs, DEFAULT_SPEC, CONV_KERNEL, CONV_DILATIONS } from './span-model.ts';
export type { CrfImpl, ModelOptions } from './span-model.ts';
export { encoderDilations, receptiveHalfWidth } from './encoder.ts';
export { decodeOutputs } from './decoding.ts';
export { serializeWeights, deserializeWeights } from './serialize.ts';
export { CRF_TAGS, CRF_NUM_TAGS, crfNll, crfNllTf, crfLogPartitionTf, crfPathScoreTf, crfForwardBackward, crfViterbi } from './crf.ts';
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
  taskLosses,
} from './losses.ts';
export { linear, im2col, selfAttention, transposeRows, preferHandWritten } from './ops.ts';
export type { OpsMode } from './ops.ts';
export { attnKeyDim, spanOutputs } from './span-model.ts';

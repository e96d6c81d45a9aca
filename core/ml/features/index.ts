export {
  FEATURE_NAMES,
  DEFAULT_FEATURES,
  BASE_FEATURES,
  RUN_FEATURES,
  WINDOW_RUN_FEATURES,
  EXPANSION_FEATURES,
  FEATURE_PRESETS,
  FEATURE_PRESET_NAMES,
  resolveFeatures,
  FEATURE_PARAMS,
  isFeatureName,
  averageTrueRange,
  baselineMedianTrueRange,
  computeSeriesFeatures,
  sliceWindow,
  windowMatrix,
  computeWindowFeatures,
} from './series.ts';
export type { FeatureName, FeaturePreset } from './series.ts';
export { fitNormalizer, applyNormalizer } from './normalize.ts';
export type { Normalizer } from './normalize.ts';

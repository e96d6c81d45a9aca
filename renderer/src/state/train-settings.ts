/**
 * The Retrain panel's settings and their defaults: plain data (no DOM, no service client), so a
 * test can hold them against the engine's defaults (test/renderer/training-defaults.test.ts).
 */
export type ModelChoice = 'soft' | 'crf' | 'both';
export type Preset = 'quick' | 'standard' | 'thorough' | 'custom';
/** Epochs per preset: quick for a first look; standard = the engine's default (core/ml/training/defaults.ts, what the benchmarks call the default preset). */
export const PRESET_EPOCHS: Record<Exclude<Preset, 'custom'>, number> = { quick: 5, standard: 50, thorough: 80 };

export interface TrainSettings {
  model: ModelChoice;
  preset: Preset;
  epochs: number;
  batchSize: number;
  learningRate: number;
  encoder: 'conv' | 'conv-attn';
  /** A named feature set (core/ml/features FEATURE_PRESETS): default = all 23, generic = the 14 without the expansion-run features, expansion = the rule's 6. */
  featureSet: 'default' | 'generic' | 'expansion';
  /**
   * Polyak weight averaging + cosine learning-rate decay (issue #11 point 2): the engine's default since
   * 2026-12-05 (core/ml/training/defaults.ts; docs/BENCHMARKS.md "Long runs, fourth pass"), so on
   * here too; off sends the raw weights and a constant learning rate. (A new name: the old
   * `stabilise`, off by default and tied to the thorough preset, is not carried over from stored
   * settings, so nobody keeps the old default by accident.)
   */
  averaging: boolean;
  ensemble: number;
  seed: number;
  /** What training does with open contradiction findings (issue #11): train on both sides, mask, or down-weight by severity. */
  contradictions: 'train-both' | 'mask' | 'down-weight';
  /** Issue #12, point 4: whose labels: 'all', 'consensus' or 'annotator:NAME'; with 'all', a weight per annotator (absent = 1). */
  labelSource: string;
  annotatorWeights: Record<string, number>;
  /** Issue #11 point 6: 0 = holdout (train/validation + test block), k = walk-forward over k folds. */
  walkForwardFolds: number;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  model: 'soft',
  preset: 'quick',
  epochs: 5,
  batchSize: 16,
  // The engine's default (core/ml/training/defaults.ts; test/renderer/training-defaults.test.ts keeps them equal).
  learningRate: 0.002,
  encoder: 'conv',
  featureSet: 'default',
  averaging: true,
  ensemble: 1,
  seed: 1,
  contradictions: 'train-both',
  labelSource: 'all',
  annotatorWeights: {},
  walkForwardFolds: 0,
};

/** What turning averaging off sets on a run (train.start arguments); on = the engine's defaults, nothing sent. */
export const NO_AVERAGING = { weightAverage: false, lrSchedule: 'constant' } as const;

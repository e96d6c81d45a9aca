/**
 * The engine's training defaults: one place that the run (run.ts), the service's argument schema
 * (core/service/schemas.ts: what the CLI and every host get when a setting is absent) and the
 * benchmarks read, so "the default preset" in docs/BENCHMARKS.md is what `candlemark train` runs.
 * Pure data (no tfjs import): the schema module stays cheap to load.
 */
import type { BackendPreference } from '../backend/select.ts';
import type { EncoderKind, HeadKind } from '../model/types.ts';
import type { LrSchedule } from './train.ts';
import { DEFAULT_EPOCH_CRITERION, type EpochCriterion } from '../eval/types.ts';

export const TRAINING_DEFAULTS = {
  encoder: 'conv' as EncoderKind,
  hidden: 32,
  epochs: 50,
  batchSize: 16,
  learningRate: 0.002,
  seed: 1,
  ensemble: 1,
  backend: 'auto' as BackendPreference,
  ramp: 3,
  // Polyak averaging + cosine decay since 2026-12-05 (afternoon): they hold 200-epoch runs and carry
  // the noisy-label figures (docs/ml.md "Long runs", docs/BENCHMARKS.md "Long runs, fourth pass").
  lrSchedule: 'cosine' as LrSchedule,
  weightAverage: true as boolean | number,
  /**
   * Decoupled weight decay per head (2026-12-05): 1.0 for the CRF, whose 200-epoch runs otherwise lose
   * validation spans one by one after their peak (a slow overfit that averaging does not stop), 0 for
   * the soft head, which holds without it and loses two of six long runs with it (docs/BENCHMARKS.md
   * "Long runs, fourth pass"). A run's `weightDecay` overrides it.
   */
  weightDecayByHead: { soft: 0, crf: 1 } as Record<HeadKind, number>,
  dropout: 0,
  inputDropout: 0,
  gradClip: 0,
  /** Which epoch a run keeps when it has a test block (a holdout run without one: 'span-loss'; epoch-criterion.ts runEpochCriterion). */
  epochCriterion: DEFAULT_EPOCH_CRITERION as EpochCriterion,
};

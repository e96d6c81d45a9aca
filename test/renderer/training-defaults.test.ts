/**
 * The Retrain panel's defaults are the engine's: the learning rate an absent setting gets in core
 * (core/ml/training/defaults.ts — also the service schema's default, so the CLI's) and the
 * "standard" preset's epochs. Otherwise "the default preset" of docs/BENCHMARKS.md would be a
 * third set of numbers that neither the app nor the CLI runs.
 */
import { expect, it } from 'vitest';
import { DEFAULT_SETTINGS, PRESET_EPOCHS } from '../../renderer/src/state/train-settings.ts';
import { TRAINING_DEFAULTS } from '../../core/ml/training/defaults.ts';
import { trainArgs } from '../../core/service/schemas.ts';

it('the app, the service schema and the engine share one learning rate, epochs and batch size', () => {
  const schema = trainArgs.parse({});
  expect(schema).toMatchObject({
    learningRate: TRAINING_DEFAULTS.learningRate,
    epochs: TRAINING_DEFAULTS.epochs,
    batchSize: TRAINING_DEFAULTS.batchSize,
    hidden: TRAINING_DEFAULTS.hidden,
  });
  expect(DEFAULT_SETTINGS.learningRate).toBe(TRAINING_DEFAULTS.learningRate);
  expect(DEFAULT_SETTINGS.batchSize).toBe(TRAINING_DEFAULTS.batchSize);
  expect(PRESET_EPOCHS.standard).toBe(TRAINING_DEFAULTS.epochs);
});

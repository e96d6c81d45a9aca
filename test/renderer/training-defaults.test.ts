/**
 * The Retrain panel's defaults are the engine's: the learning rate an absent setting gets in core
 * (core/ml/training/defaults.ts — also the service schema's default, so the CLI's) and the
 * "standard" preset's epochs. Otherwise "the default preset" of docs/BENCHMARKS.md would be a
 * third set of numbers that neither the app nor the CLI runs.
 */
import { expect, it } from 'vitest';
import { DEFAULT_SETTINGS, NO_AVERAGING, PRESET_EPOCHS } from '../../renderer/src/state/train-settings.ts';
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

it('the Retrain panel’s averaging switch is on exactly when the engine averages by default; off sends the raw-weight settings', () => {
  expect(DEFAULT_SETTINGS.averaging).toBe(TRAINING_DEFAULTS.weightAverage !== false && TRAINING_DEFAULTS.lrSchedule === 'cosine');
  expect(NO_AVERAGING).toEqual({ weightAverage: false, lrSchedule: 'constant' });
  // what "off" sends is accepted by the service schema and differs from the defaults it would get
  const off = trainArgs.parse({ ...NO_AVERAGING });
  expect(off.weightAverage).toBe(false);
  expect(off.lrSchedule).toBe('constant');
  expect(off.weightAverage).not.toBe(TRAINING_DEFAULTS.weightAverage);
});

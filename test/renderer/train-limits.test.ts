/**
 * The Retrain form's inline validation (renderer/src/state/train-limits.ts) agrees with the
 * train.start schema on every value probed: the form accepts exactly what the service accepts, and
 * its message names the schema's own limits.
 */
import { describe, expect, it } from 'vitest';
import { trainArgs } from '../../core/service/schemas.ts';
import { NUMERIC_TRAIN_FIELDS, describeLimits, fieldLimits, validateTrainField } from '../../renderer/src/state/train-limits.ts';

describe('train-limits', () => {
  it('accepts exactly what train.start accepts, field by field', () => {
    const probes = ['-1', '0', '0.0001', '0.5', '1', '1.5', '2', '16', '17', '1000', '1001', '1024', '1025', '1e6', '', ' ', 'abc'];
    for (const f of NUMERIC_TRAIN_FIELDS) {
      for (const raw of probes) {
        const n = raw.trim() === '' ? NaN : Number(raw);
        const service = Number.isFinite(n) && trainArgs.safeParse({ [f]: n }).success;
        expect(validateTrainField(f, raw) === null, `${f}=${JSON.stringify(raw)}`).toBe(service);
      }
    }
  });

  it('says the limits in words, from the schema', () => {
    expect(describeLimits(fieldLimits('batchSize'))).toBe('a whole number from 1 to 1,024');
    expect(describeLimits(fieldLimits('learningRate'))).toBe('a number above 0, at most 1');
    expect(describeLimits(fieldLimits('seed'))).toBe('a whole number of at least 0');
    expect(validateTrainField('epochs', '0')).toBe('Must be a whole number from 1 to 1,000.');
    expect(validateTrainField('ensemble', '')).toBe('Enter a whole number from 1 to 16.');
  });
});

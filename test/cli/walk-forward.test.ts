/**
 * `candlemark train --walk-forward K` (issue #11 point 6) and the optimisation flags of point 2:
 * a real process on a real generated demo project; tiny (1 epoch per fold).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, demoProjectFile } from '../helpers/cli-process.ts';

let project: string;
beforeAll(() => {
  project = demoProjectFile(3);
});

describe('candlemark train --walk-forward K', () => {
  it('cross-validates over K folds and reports every fold, the mean and the spread', () => {
    const r = cli([
      'train',
      '--walk-forward',
      '2',
      '--epochs',
      '1',
      '--hidden',
      '8',
      '--weight-average',
      '0.99',
      '--weight-decay',
      '0.01',
      '--json',
      '--project',
      project,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.status).toBe('completed');
    expect(out.report.config).toMatchObject({ evaluation: 'walk-forward', folds: 2, weightAverage: 0.99, weightDecay: 0.01 });
    expect(out.report.crossValidation.folds).toBe(2);
    expect(out.report.crossValidation.perFold).toHaveLength(2);
    expect(Number.isFinite(out.report.crossValidation.spanF1.mean)).toBe(true);
    // the human-readable report says it too
    const shown = cli(['evaluate', '--run', String(out.runId), '--project', project]);
    expect(shown.stdout).toMatch(/walk-forward over 2 folds: test span F1 \d\.\d{3} ± \d\.\d{3}/);
  });

  it('rejects a fold count below 2 and a decay outside (0, 1) with a clear message (exit 2)', () => {
    const one = cli(['train', '--walk-forward', '1', '--epochs', '1', '--project', project]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/folds/);
    const avg = cli(['train', '--weight-average', '2', '--epochs', '1', '--project', project]);
    expect(avg.code).toBe(2);
    expect(avg.stderr).toMatch(/--weight-average: expected on, off or a decay between 0 and 1/);
  });
});

/**
 * `candlemark train --dropout R --input-dropout R` (issue #11 point 2): the rates reach the run's
 * config and the saved model's spec (so the model that predicts later knows them), and bad rates
 * are refused with the field named. A real process on a real generated demo project; 1 epoch.
 */
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, demoProjectFile } from '../helpers/cli-process.ts';

let project: string;
beforeAll(() => {
  project = demoProjectFile(5);
});

describe('candlemark train --dropout', () => {
  it('records the rates in the run config and the saved model spec', () => {
    const r = cli(['train', '--epochs', '1', '--hidden', '8', '--dropout', '0.2', '--input-dropout', '0.1', '--json', '--project', project]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.status).toBe('completed');
    expect(out.report.config).toMatchObject({ dropout: 0.2, inputDropout: 0.1 });
    const db = new Database(project, { readonly: true });
    try {
      const row = db.prepare('SELECT spec_json FROM models WHERE run_id = ?').get(out.runId) as { spec_json: string };
      expect(JSON.parse(row.spec_json).model).toMatchObject({ dropout: 0.2, inputDropout: 0.1 });
    } finally {
      db.close();
    }
    // prediction with the saved model works (and never drops: the stored spec is only used in eval mode)
    const pred = cli(['predict', '--run', String(out.runId), '--json', '--project', project]);
    expect(pred.code, pred.stderr).toBe(0);
  });

  it('refuses a rate outside [0, 0.9] naming the field (exit 2)', () => {
    const bad = cli(['train', '--dropout', '1.5', '--epochs', '1', '--project', project]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/dropout/);
  });
});

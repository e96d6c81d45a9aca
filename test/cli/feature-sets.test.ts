/**
 * Named feature sets (`train --features default|generic|expansion`, the service's `features` as a
 * set name or a list): the run records the resolved list — also for the default, whose meaning
 * changed twice (14 → 22 → 23 features) — and the saved model uses it. A real process on a real
 * generated demo project; 1 epoch each.
 */
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_FEATURES, DEFAULT_FEATURES, EXPANSION_FEATURES } from '../../core/ml/features/index.ts';
import { cli, demoProjectFile } from '../helpers/cli-process.ts';

let project: string;
beforeAll(() => {
  project = demoProjectFile(6);
});

function train(extra: string[]) {
  const r = cli(['train', '--epochs', '1', '--hidden', '8', '--json', '--project', project, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const db = new Database(project, { readonly: true });
  try {
    const row = db.prepare('SELECT spec_json FROM models WHERE run_id = ?').get(out.runId) as { spec_json: string };
    return { config: out.report.config as { features: string[] }, spec: JSON.parse(row.spec_json) as { model: { featureCount: number } } };
  } finally {
    db.close();
  }
}

describe('train --features', () => {
  it('a set name resolves to its list, recorded with the run and used by the model', () => {
    const generic = train(['--features', 'generic']);
    expect(generic.config.features).toEqual([...BASE_FEATURES]);
    expect(generic.spec.model.featureCount).toBe(BASE_FEATURES.length);
    const expansion = train(['--features', 'expansion']);
    expect(expansion.config.features).toEqual([...EXPANSION_FEATURES]);
    expect(expansion.spec.model.featureCount).toBe(EXPANSION_FEATURES.length);
  });

  it('without the flag the run records the default list (all 23), not an absent setting', () => {
    const d = train([]);
    expect(d.config.features).toEqual([...DEFAULT_FEATURES]);
    expect(d.config.features).toHaveLength(23);
    expect(d.spec.model.featureCount).toBe(23);
  });

  it('a list still names features; an unknown name is refused naming the field (exit 2)', () => {
    expect(train(['--features', 'range,body']).config.features).toEqual(['range', 'body']);
    const bad = cli(['train', '--features', 'richer', '--epochs', '1', '--project', project]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/features/);
  });
});

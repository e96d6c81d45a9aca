/**
 * Every malformed CSV of the import corpus, imported through the service into a real project:
 * the error names file, line and field, and the project file is byte-for-byte unchanged.
 * (The exact line/field expected for each file is asserted in test/import/malformed.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError } from '../../core/service/errors.ts';
import { REPO_ROOT, SHARED_DATA, projectFingerprint, tempDir } from '../helpers/paths.ts';

const CORPUS = path.join(REPO_ROOT, 'test/import/fixtures/malformed');

describe('failed imports leave the project untouched', () => {
  const dir = tempDir();
  const file = path.join(dir, 'p.candlemark');

  it('sets up a project with a real series', async () => {
    const s = CandlemarkService.open(file, { create: true });
    await s.call('series.import', { path: path.join(SHARED_DATA, 'eurusd_1h.csv') });
    await s.call('windows.create', {});
    s.close();
  });

  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.csv'));
  it('has a corpus of at least 25 malformed files', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  for (const name of files) {
    it(`rejects ${name}`, async () => {
      const before = projectFingerprint(file);
      const s = CandlemarkService.open(file);
      let error: unknown = null;
      try {
        await s.call('series.import', { path: path.join(CORPUS, name), seriesId: 'bad' });
      } catch (e) {
        error = e;
      } finally {
        s.close();
      }
      expect(error).toBeInstanceOf(CandlemarkError);
      const err = error as CandlemarkError;
      expect(err.code).toBe('import-failed');
      expect(err.issues.length).toBeGreaterThan(0);
      for (const issue of err.issues) expect(issue.file).toBe(path.join(CORPUS, name));
      // Files with rows name a line; a file with nothing in it can only name the file.
      if (fs.readFileSync(path.join(CORPUS, name), 'utf8').trim() !== '') expect(err.issues.some((i) => i.line != null)).toBe(true);
      expect(projectFingerprint(file)).toBe(before);
    });
  }
});

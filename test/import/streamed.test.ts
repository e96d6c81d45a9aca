/**
 * The streamed path (files above STREAM_ABOVE_BYTES are never read whole) gives exactly what the
 * in-memory path gives: here every fixture and the raw vendor files are forced through it with tiny
 * pieces, so pieces end mid-file everywhere (inside quoted multi-line fields too).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OhlcvImportError, readOhlcvCsvFile } from '../../core/import/index.ts';
import type { ParsedOhlcv } from '../../core/import/index.ts';
import { REPO_ROOT, SHARED_DATA } from '../helpers/paths.ts';

const FIX = path.join(REPO_ROOT, 'test/import/fixtures');

async function outcome(file: string, streamed: boolean, pieceBytes = 41): Promise<unknown> {
  try {
    const p: ParsedOhlcv = await readOhlcvCsvFile(file, streamed ? { streamAboveBytes: 0, pieceBytes } : {});
    return { bars: p.bars, columns: p.columns, warnings: p.warnings, detected: p.detected, timeFormat: p.timeFormat };
  } catch (e) {
    if (!(e instanceof OhlcvImportError)) throw e;
    return { issues: e.issues, total: e.totalIssues };
  }
}

describe('streamed import equals in-memory import', () => {
  for (const kind of ['valid', 'malformed']) {
    for (const name of readdirSync(path.join(FIX, kind)).filter((f) => f.endsWith('.csv'))) {
      it(`${kind}/${name}`, async () => {
        const file = path.join(FIX, kind, name);
        expect(await outcome(file, true)).toEqual(await outcome(file, false));
      });
    }
  }

  it('the raw vendor files, in 4 KiB pieces', async () => {
    for (const name of ['Coinbase_BTCUSD_1h.csv', 'FOREX_EURUSD_1H_ASK.csv']) {
      const file = path.join(SHARED_DATA, 'raw', name);
      expect(await outcome(file, true, 4096)).toEqual(await outcome(file, false));
    }
  });
});

/** Service tests on a real project: the SPY daily series from ../shared/data cut into 64-bar windows. */
import path from 'node:path';
import { expect } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError } from '../../core/service/errors.ts';
import type { WindowInfo } from '../../core/domain/types.ts';
import { SHARED_DATA, tempDir } from '../helpers/paths.ts';

export interface SpyProject {
  s: CandlemarkService;
  file: string;
  dir: string;
  /** Stride 64: windows share no bar. */
  windows: WindowInfo[];
  times: Float64Array;
  /** The time of bar i of window w. */
  t: (w: { startIndex: number }, i: number) => number;
}

/** A new project file with the SPY series as 'spy', windows of 64 bars every 64; the service goes into `open` (closed by the caller). */
export async function spyProject(open: CandlemarkService[], author = 'host-user'): Promise<SpyProject> {
  const dir = tempDir();
  const file = path.join(dir, 'p.candlemark');
  const s = CandlemarkService.open(file, { create: true, author });
  open.push(s);
  await s.call('series.import', { path: path.join(SHARED_DATA, 'spy_1d.csv'), seriesId: 'spy' });
  await s.call('windows.create', { seriesId: 'spy', length: 64, stride: 64 });
  const times = s.store.readTimes('spy');
  return { s, file, dir, windows: s.store.listWindows(), times, t: (w, i) => times[w.startIndex + i] };
}

/** The CandlemarkError a call rejects with (fails the test when it resolves or throws something else). */
export async function candlemarkError(p: Promise<unknown>): Promise<CandlemarkError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(CandlemarkError);
  return e as CandlemarkError;
}

/** Seeded random window sets for the conflict property tests (not a test file itself). */
import type { IndexSpan } from '../../core/domain/types.ts';
import type { ConflictWindow } from '../../core/conflicts/detect.ts';
import { mulberry32, randomInt } from '../../core/shared/random.ts';

const TYPES = ['up', 'down', 'flat'];

export interface GenOptions {
  seriesCount?: number;
  windowsPerSeries?: number;
}

/**
 * Windows with random lengths and strides (often overlapping, sometimes with equal starts), labelled
 * from a per-series "truth" with jittered edges, dropped/added spans and type flips, so every finding
 * kind and every tolerance edge shows up.
 */
export function randomWindows(seed: number, opts: GenOptions = {}): ConflictWindow[] {
  const rand = mulberry32(seed);
  const seriesCount = opts.seriesCount ?? 3;
  const perSeries = opts.windowsPerSeries ?? 100;
  const out: ConflictWindow[] = [];
  let nextId = randomInt(rand, 1, 1000);
  for (let s = 0; s < seriesCount; s++) {
    const seriesId = `S${s}`;
    let start = randomInt(rand, 0, 20);
    const truth: IndexSpan[] = [];
    for (let t = 0; t < perSeries * 60;) {
      const st = t + randomInt(rand, 0, 30);
      const en = st + randomInt(rand, 0, 25);
      truth.push({ start: st, end: en, type: TYPES[randomInt(rand, 0, 1)], confidence: 1 });
      t = en + randomInt(rand, 1, 20);
    }
    for (let i = 0; i < perSeries; i++) {
      const length = randomInt(rand, 5, 90);
      const ws = start;
      const we = ws + length - 1;
      const spans: IndexSpan[] = [];
      for (const tr of truth) {
        if (tr.end < ws || tr.start > we) continue;
        if (rand() < 0.08) continue; // missing span
        let a = tr.start + (rand() < 0.4 ? randomInt(rand, -5, 5) : 0);
        let b = tr.end + (rand() < 0.4 ? randomInt(rand, -5, 5) : 0);
        a = Math.max(a, ws);
        b = Math.min(b, we);
        if (a > b) continue;
        const type = rand() < 0.06 ? TYPES[randomInt(rand, 0, 2)] : tr.type;
        spans.push({ start: a, end: b, type, confidence: Math.round(rand() * 10) / 10 });
      }
      if (rand() < 0.1) {
        const a = randomInt(rand, ws, we);
        spans.push({ start: a, end: Math.min(we, a + randomInt(rand, 0, 10)), type: TYPES[randomInt(rand, 0, 2)], confidence: 1 });
      }
      out.push({ id: nextId, seriesId, startIndex: ws, length, spans });
      nextId += randomInt(rand, 1, 3);
      start += rand() < 0.1 ? 0 : randomInt(rand, 1, 60);
    }
  }
  // Shuffle the input order so detection cannot rely on it.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

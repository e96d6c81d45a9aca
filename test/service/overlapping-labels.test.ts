/**
 * labels.overlapping: the windows sharing bars with a stretch of a series, and their labels — what
 * the labelling screen draws faintly behind the window being labelled (issue 14, point 1).
 * Checked against the same answer computed row by row from the project.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';

let dir: string;
let s: CandlemarkService;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-overlap-'));
  s = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true, author: 't' });
  await s.call('demo.create', { bars: 2048, seed: 5, contradictions: 2 });
});
afterAll(() => {
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('labels.overlapping', () => {
  it('returns exactly the windows sharing a bar with the range (minus the excluded one) and their labels', async () => {
    const windows = s.store.listWindows();
    const w = windows[5];
    const from = w.startIndex - 10;
    const to = w.startIndex + w.length - 1 + 10;
    const r = await s.call('labels.overlapping', { seriesId: w.seriesId, from, to, excludeWindowId: w.id });
    const expected = windows.filter((x) => x.id !== w.id && x.seriesId === w.seriesId && x.startIndex <= to && x.startIndex + x.length - 1 >= from);
    expect(expected.length).toBeGreaterThan(1);
    expect(r.windows.map((x) => x.id).sort((a, b) => a - b)).toEqual(expected.map((x) => x.id).sort((a, b) => a - b));
    const ids = new Set(expected.map((x) => x.id));
    const labels = s.store.listLabels().filter((l) => ids.has(l.windowId));
    expect(labels.length).toBeGreaterThan(0);
    expect(r.labels.map((l) => l.id).sort((a, b) => a - b)).toEqual(labels.map((l) => l.id).sort((a, b) => a - b));
    expect(r.windows.some((x) => x.id === w.id)).toBe(false);
  });

  it('refuses an unknown series and a reversed range with a clear error', async () => {
    await expect(s.call('labels.overlapping', { seriesId: 'nope', from: 0, to: 10 })).rejects.toThrow(/no series "nope"/);
    const reversed = await s.call('labels.overlapping', { seriesId: s.store.listSeries()[0].id, from: 10, to: 5 }).catch((e: unknown) => e);
    expect(JSON.stringify(reversed)).toMatch(/to must be ≥ from/);
  });
});

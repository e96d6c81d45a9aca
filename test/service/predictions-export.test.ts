/**
 * runs.exportPredictions (issue 14, point 5): a run's predictions as a labelled-windows file that the
 * interchange reader accepts, with exactly the spans review shows, scores as confidences.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseLabelsCsv, parseLabelsJson } from '../../core/interchange/labels.ts';
import { CandlemarkService } from '../../core/service/service.ts';

let dir: string;
let s: CandlemarkService;
let runId: number;
let setId: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-predexport-'));
  s = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true, author: 't' });
  setId = ((await s.call('demo.create', { bars: 1024, seed: 13, contradictions: 0 })) as { setId: number }).setId;
  runId = (await s.call('train.run', { model: 'soft', setId, epochs: 1, backend: 'cpu' })).runId;
});
afterAll(async () => {
  await s.closeGracefully();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("JSON and CSV carry every window of the set with review's predicted spans", async () => {
  const summary = await s.call('review.summary', { runId, setId });
  const json = await s.call('runs.exportPredictions', { runId });
  expect(json.fileName).toBe(`candlemark-run-${runId}-predictions.json`);
  const doc = parseLabelsJson(json.text, json.fileName);
  expect(doc.windows).toHaveLength(summary.windows.length);
  expect(json.windows).toBe(summary.windows.length);
  const spans = summary.windows.flatMap((r) => r.predicted.map((p) => `${p.type} ${p.startTime}-${p.endTime}`)).sort();
  expect(doc.windows.flatMap((w) => w.spans.map((p) => `${p.type} ${p.start}-${p.end}`)).sort()).toEqual(spans);
  expect(json.spans).toBe(spans.length);
  expect(spans.length, 'the run predicts some spans').toBeGreaterThan(0);
  for (const w of doc.windows) for (const p of w.spans) expect(p.confidence).toBeGreaterThanOrEqual(0);

  const csv = await s.call('runs.exportPredictions', { runId, setId, format: 'csv' });
  const fromCsv = parseLabelsCsv(csv.text, csv.fileName);
  expect(fromCsv.windows.flatMap((w) => w.spans.map((p) => `${p.type} ${p.start}-${p.end}`)).sort()).toEqual(spans);
});

it('a missing run is not-found', async () => {
  await expect(s.call('runs.exportPredictions', { runId: 9999 })).rejects.toMatchObject({ code: 'not-found' });
});

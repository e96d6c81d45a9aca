import { describe, expect, it } from 'vitest';
import { scoreStitched, stitchSegments } from '../../../core/ml/eval/stitch.ts';
import type { EvalTruth, PredLike } from '../../../core/ml/eval/types.ts';

const T = 20;
/** A window at `start` of a series whose only span is bars 15..24 (series index). */
function win(start: number, predFrom: number, predTo: number): { truth: EvalTruth; pred: PredLike; pos: { seriesId: string; startIndex: number } } {
  const mask = new Float32Array(T);
  const p = new Float32Array(T).fill(0.1);
  for (let t = 0; t < T; t++) {
    const bar = start + t;
    if (bar >= 15 && bar <= 24) mask[t] = 1;
    if (bar >= predFrom && bar <= predTo) p[t] = 0.9;
  }
  const spans = mask.some((v) => v > 0) ? [{ start: Math.max(0, 15 - start), end: Math.min(T - 1, 24 - start) }] : [];
  return {
    truth: { mask, spans, hasSpan: spans.length > 0, start: -1, end: -1, typeIndex: -1, countdown: new Float32Array(T) },
    pred: { spanProb: p, startProb: [], endProb: [], typeProb: [], countdown: [] },
    pos: { seriesId: 's', startIndex: start },
  };
}

describe('series-level stitched scoring', () => {
  it('each bar and span counts once: two half-overlapping windows seeing one span', () => {
    const ws = [win(0, 15, 24), win(10, 15, 24)]; // stride 10, length 20: bars 10..19 seen twice
    const segs = stitchSegments(
      ws.map((w) => w.truth),
      ws.map((w) => w.pred),
      ws.map((w) => w.pos),
    );
    expect(segs).toHaveLength(1);
    expect(segs[0].truth).toHaveLength(30); // bars 0..29 once each (not 40)
    const r = scoreStitched(
      ws.map((w) => w.truth),
      ws.map((w) => w.pred),
      ws.map((w) => w.pos),
      {
        head: 'soft',
        threshold: { span: 0.5, bar: 0.5 },
        decode: { minLength: 3, mergeGap: 2 },
        iou: 0.5,
      },
    );
    expect(r.span).toMatchObject({ tp: 1, fp: 0, fn: 0 }); // the span, once (per window it would count twice)
    expect(r.bar.tp).toBe(10);
    expect([r.bars, r.windowBars, r.segments]).toEqual([30, 40, 1]);
  });

  it('the most central window decides a shared bar', () => {
    // window A (0..19) predicts the span only up to bar 19 (its edge); B (10..29) sees it whole
    const ws = [win(0, 15, 19), win(10, 15, 24)];
    const segs = stitchSegments(
      ws.map((w) => w.truth),
      ws.map((w) => w.pred),
      ws.map((w) => w.pos),
    );
    // bar 15 is 4 from A's end edge, 5 from B's start edge → B owns it; bar 12: A (7) vs B (2) → A
    expect(segs[0].prob[15]).toBeCloseTo(0.9, 6);
    expect(segs[0].prob[24]).toBeCloseTo(0.9, 6);
  });
});

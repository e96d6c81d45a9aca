/** Label ↔ prediction comparison of one window, and the uncertainty score of the "label next" queue. */
import { describe, expect, it } from 'vitest';
import { compareWindow, spanIou, type LabelSpan } from '../../core/review/compare-window.ts';
import { windowUncertainty } from '../../core/review/uncertainty.ts';

const label = (id: number, start: number, end: number, type = 'up'): LabelSpan => ({ id, start, end, type });
const pred = (start: number, end: number, type = 'up') => ({ start, end, type });

describe('compareWindow', () => {
  it('agrees when every edge is within the tolerance and the type matches', () => {
    const r = compareWindow([label(1, 10, 30)], [pred(12, 28)], true, 2);
    expect(r.status).toBe('agree');
    expect(r.matches).toEqual([{ kind: 'agree', labelId: 1, predicted: 0, iou: spanIou(label(1, 10, 30), pred(12, 28)) }]);
  });

  it('calls an edge one bar past the tolerance a boundary disagreement', () => {
    expect(compareWindow([label(1, 10, 30)], [pred(13, 30)], true, 2).status).toBe('boundary');
    expect(compareWindow([label(1, 10, 30)], [pred(10, 33)], true, 2).status).toBe('boundary');
    expect(compareWindow([label(1, 10, 30)], [pred(13, 30)], true, 3).status).toBe('agree');
  });

  it('calls a matched span of another type a type disagreement', () => {
    const r = compareWindow([label(1, 10, 30, 'up')], [pred(10, 30, 'down')], true);
    expect(r.status).toBe('type');
    expect(r.matches[0]).toMatchObject({ kind: 'type', labelId: 1, predicted: 0 });
  });

  it('reports labels without a prediction as missed and predictions without a label as extra', () => {
    const r = compareWindow([label(1, 0, 5), label(2, 40, 50)], [pred(40, 50), pred(80, 90)], true);
    expect(r.matches).toEqual([
      { kind: 'agree', labelId: 2, predicted: 0, iou: 1 },
      { kind: 'missed', labelId: 1, predicted: null, iou: 0 },
      { kind: 'extra', labelId: null, predicted: 1, iou: 0 },
    ]);
    // Missed outranks extra, which outranks everything else.
    expect(r.status).toBe('missed');
    expect(compareWindow([label(2, 40, 50)], [pred(40, 50), pred(80, 90)], true).status).toBe('extra');
    expect(compareWindow([label(1, 0, 20, 'down'), label(2, 40, 50)], [pred(0, 20), pred(44, 50)], true).status).toBe('type');
  });

  it('pairs one-to-one by largest overlap, so one prediction never explains two labels', () => {
    const r = compareWindow([label(1, 0, 9), label(2, 12, 30)], [pred(10, 30)], true);
    expect(r.matches.find((m) => m.predicted === 0)?.labelId).toBe(2);
    expect(r.matches.find((m) => m.labelId === 1)?.kind).toBe('missed');
  });

  it('treats a window nobody looked at as unlabelled, and a "no span" window as truth', () => {
    expect(compareWindow([], [pred(1, 5)], false)).toEqual({ status: 'unlabelled', matches: [] });
    expect(compareWindow([], [], false).status).toBe('unlabelled');
    expect(compareWindow([], [], true)).toEqual({ status: 'agree', matches: [] });
    expect(compareWindow([], [pred(1, 5)], true).status).toBe('extra');
  });
});

describe('windowUncertainty', () => {
  it('is 0 for confident bars, 1 at p = 0.5, and the mean over bars in between', () => {
    expect(windowUncertainty([0, 1, 0, 1])).toBe(0);
    expect(windowUncertainty([0.5, 0.5])).toBe(1);
    expect(windowUncertainty([0.25, 1])).toBeCloseTo(0.25, 10);
    expect(windowUncertainty([])).toBe(0);
  });

  it('ranks a window that is ambiguous throughout above one with a single ambiguous bar', () => {
    const oneEdge = [0.5, 0, 0, 0, 0, 0, 0, 0];
    const throughout = [0.3, 0.35, 0.3, 0.35, 0.3, 0.35, 0.3, 0.35];
    expect(windowUncertainty(throughout)).toBeGreaterThan(windowUncertainty(oneEdge));
  });
});

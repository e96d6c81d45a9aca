/**
 * Issue #12, point 3: the least-sure queue ranks by span-level uncertainty, on constructed windows
 * whose right order is known, and spreads a batch over windows that do not share bars.
 */
import { describe, expect, it } from 'vitest';
import {
  candidateSpans,
  closenessToThreshold,
  memberDisagreement,
  spanDoubt,
  spanUncertainty,
  windowQueueScore,
  windowUncertainty,
} from '../../core/review/uncertainty.ts';
import { leastSureQueue } from '../../core/review/queue.ts';
import { queueRow } from './queue-rows.ts';

const T = 128;

/** The three windows of the issue. */
function issueWindows() {
  // 1. p = 0.06 everywhere: the model is 94 % sure there is no span.
  const sureNone = new Array(T).fill(0.06);
  // 2. A soft head reproducing three labelled spans exactly: ramps 0.25/0.5/0.75 at each edge, 1 inside.
  const reproduced = new Array(T).fill(0);
  for (const [s, e] of [
    [10, 30],
    [50, 62],
    [90, 115],
  ]) {
    for (let i = s; i <= e; i++) reproduced[i] = 1;
    [0.75, 0.5, 0.25].forEach((v, k) => {
      reproduced[s - 1 - k] = v;
      reproduced[e + 1 + k] = v;
    });
  }
  // 3. A genuine 50/50 six-bar span candidate, nothing else.
  const coinFlip = new Array(T).fill(0.02);
  for (let i = 60; i < 66; i++) coinFlip[i] = 0.5;
  return { sureNone, reproduced, coinFlip };
}

describe('span-level uncertainty', () => {
  it('ranks the three windows of the issue the right way round (the old per-bar mean got them backwards)', () => {
    const { sureNone, reproduced, coinFlip } = issueWindows();
    // The old measure, as measured in the issue: 0.120 > 0.094 > 0.056.
    expect(windowUncertainty(sureNone)).toBeCloseTo(0.12, 3);
    expect(windowUncertainty(reproduced)).toBeCloseTo(0.094, 3);
    expect(windowUncertainty(coinFlip)).toBeLessThan(windowUncertainty(reproduced));

    const u = (probs: number[]) => spanUncertainty({ probs, head: 'soft', threshold: 0.5 });
    expect(u(coinFlip)).toBeCloseTo(1, 10);
    expect(u(sureNone)).toBeCloseTo(0.12, 10);
    expect(u(reproduced)).toBeCloseTo(0, 10);
    const order = Object.entries({ sureNone, reproduced, coinFlip })
      .sort((a, b) => u(b[1]) - u(a[1]))
      .map(([name]) => name);
    expect(order).toEqual(['coinFlip', 'sureNone', 'reproduced']);
  });

  it('finds candidate spans and scores their evidence against the threshold', () => {
    const { reproduced } = issueWindows();
    const c = candidateSpans(reproduced, 0.5);
    // Each candidate runs from the 0.25 ramp bar to the other 0.25 ramp bar.
    expect(c.map((x) => [x.start, x.end])).toEqual([
      [7, 33],
      [47, 65],
      [87, 118],
    ]);
    expect(c.every((x) => x.evidence === 1 && x.uncertainty === 0)).toBe(true);
    // A threshold other than 0.5 is the point of most doubt; both sides scale to 0 at 0 and 1.
    expect(closenessToThreshold(0.3, 0.3)).toBe(1);
    expect(closenessToThreshold(0.65, 0.3)).toBeCloseTo(0.5, 10);
    expect(closenessToThreshold(0.15, 0.3)).toBeCloseTo(0.5, 10);
    expect(closenessToThreshold(0, 0.3)).toBe(0);
    expect(closenessToThreshold(1, 0.3)).toBe(0);
  });

  it('uses 0.5 on CRF marginals whatever the run threshold, and is 0 on an empty window', () => {
    const probs = new Array(20).fill(0.01);
    for (let i = 5; i < 10; i++) probs[i] = 0.5;
    expect(spanUncertainty({ probs, head: 'crf', threshold: 0.9 })).toBeCloseTo(1, 10);
    expect(spanUncertainty({ probs, head: 'soft', threshold: 0.9 })).toBeLessThan(0.6);
    expect(spanUncertainty({ probs: [], head: 'soft', threshold: 0.5 })).toBe(0);
  });

  it('measures ensemble disagreement as the mean spread of the members', () => {
    expect(
      memberDisagreement([
        [0.1, 0.9],
        [0.1, 0.9],
      ]),
    ).toBe(0);
    expect(
      memberDisagreement([
        [0, 1],
        [1, 0],
        [0.5, 0.5],
      ]),
    ).toBe(1);
    expect(memberDisagreement([[0.2, 0.2]])).toBe(0);
  });
});

describe('span doubt: what the queue ranks single soft models by', () => {
  const doubt = (probs: number[], threshold = 0.5) => spanDoubt({ probs, head: 'soft', threshold });

  it('keeps the three windows of the issue in the right order, and is what the app scores soft runs by', () => {
    const { sureNone, reproduced, coinFlip } = issueWindows();
    // Σ of doubts: coinFlip 1 (its candidate) + 0.04 (outside bars at 0.02); sureNone 0.12; reproduced 0.
    expect(doubt(coinFlip)).toBeCloseTo(1 - Math.exp(-1.04), 10);
    expect(doubt(sureNone)).toBeCloseTo(1 - Math.exp(-0.12), 10);
    expect(doubt(reproduced)).toBe(0);
    for (const probs of [sureNone, reproduced, coinFlip])
      expect(windowQueueScore({ probs, head: 'soft', threshold: 0.5, memberSpread: null })).toBe(doubt(probs));
  });

  it('adds up the doubtful candidates (two count more than one) and the missed-span risk outside them', () => {
    const quiet = () => new Array<number>(T).fill(0);
    const one = quiet();
    for (let i = 20; i < 30; i++) one[i] = 0.6;
    const two = one.slice();
    for (let i = 80; i < 90; i++) two[i] = 0.6;
    // spanUncertainty keeps the worst one only: a tie; the doubt sees two doubtful decisions.
    expect(spanUncertainty({ probs: two, head: 'soft', threshold: 0.5 })).toBe(spanUncertainty({ probs: one, head: 'soft', threshold: 0.5 }));
    expect(doubt(two)).toBeGreaterThan(doubt(one));
    expect(doubt(two)).toBeCloseTo(1 - Math.exp(-2 * closenessToThreshold(0.6, 0.5)), 10);
    // A confidently reproduced span plus a bar outside it just under τ/2 (a span the model may be
    // missing) ranks above the same span alone.
    const sure = quiet();
    for (let i = 40; i < 60; i++) sure[i] = 1;
    const sureAndHint = sure.slice();
    sureAndHint[100] = 0.24;
    expect(doubt(sure)).toBe(0);
    expect(doubt(sureAndHint)).toBeCloseTo(1 - Math.exp(-closenessToThreshold(0.24, 0.5)), 10);
    // Always in [0, 1): the review pane's bar.
    const many = quiet().map((_, i) => (i % 8 < 4 ? 0.5 : 0));
    expect(doubt(many)).toBeGreaterThan(0.99);
    expect(doubt(many)).toBeLessThan(1);
    expect(doubt([])).toBe(0);
  });
});

describe('leastSureQueue', () => {
  const row = queueRow;

  it('spends a batch on windows that do not share bars before overlapping ones', () => {
    // One ambiguous move seen by windows 3, 4, 5 (overlapping), and a less ambiguous one at 9.
    const rows = [row(0, 0.05), row(3, 0.9), row(4, 0.95), row(5, 0.85), row(9, 0.6), row(12, 0.3)];
    expect(leastSureQueue(rows, 3).map((r) => r.index)).toEqual([4, 9, 12]);
    // With room for more, the overlapping ones follow, still least sure first.
    expect(leastSureQueue(rows, 6).map((r) => r.index)).toEqual([4, 9, 12, 0, 3, 5]);
  });

  it('draws only unlabelled, undecided training windows', () => {
    const rows = [
      row(0, 0.9, { role: 'val' }),
      row(2, 0.8, { role: 'excluded' }),
      row(4, 0.7, { status: 'agree', labelCount: 1 }),
      row(6, 0.6, { decision: 'rejected' }),
      row(8, 0.1),
    ];
    expect(leastSureQueue(rows, 10).map((r) => r.index)).toEqual([8]);
    expect(leastSureQueue(rows, 0)).toEqual([]);
  });
});

/**
 * detectAnnotatorFindings on constructed windows (core/conflicts/annotators.ts): one finding per
 * disagreeing pair, edges within the tolerance forgiven only beside agreeing bars, severity by hand.
 */
import { describe, expect, it } from 'vitest';
import { detectAnnotatorFindings, mergeCorrections, parseAnnotatorFindingKey, type AnnotatorWindow } from '../../core/conflicts/annotators.ts';

const span = (start: number, end: number, type = 'up', confidence = 1) => ({ start, end, type, confidence });
const win = (byAnnotator: Record<string, ReturnType<typeof span>[]>): AnnotatorWindow => ({
  id: 4,
  seriesId: 's',
  startIndex: 100,
  length: 20,
  byAnnotator: new Map(Object.entries(byAnnotator)),
});

describe('detectAnnotatorFindings', () => {
  it('agreeing annotators, and edges within 2 bars of a shared span, give nothing', () => {
    expect(detectAnnotatorFindings(win({ a: [span(102, 108)], b: [span(102, 108)] }))).toEqual([]);
    expect(detectAnnotatorFindings(win({ a: [span(102, 108)], b: [span(100, 110)] }))).toEqual([]);
  });

  it('an edge 3 bars off, a type difference and a lone span each count; severity = mean confidence × share of bars', () => {
    const [f] = detectAnnotatorFindings(win({ a: [span(102, 108, 'up', 0.5)], b: [span(102, 111, 'up', 1)] }));
    expect(f).toMatchObject({ kind: 'annotators', windowA: 4, windowB: 4, startIndex: 109, endIndex: 111, annotators: ['a', 'b'] });
    expect(f.severity).toBeCloseTo(0.75 * (3 / 20), 12);
    expect(parseAnnotatorFindingKey(f.key)).toEqual({ windowId: 4, annotators: ['a', 'b'] });
    const [g] = detectAnnotatorFindings(win({ b: [span(100, 101, 'down')], a: [span(100, 101, 'up'), span(115, 119)] }));
    // A 2-bar run typed differently is not an edge (both mark it): counted, with the lone span.
    expect(g).toMatchObject({ startIndex: 100, endIndex: 119, annotators: ['a', 'b'] });
    expect(g.message).toBe('a and b disagree on 7 bar(s) of window 4 (window bars 0-1: a up, b down; 15-19: a up, b none)');
  });

  it('three annotators: one finding per disagreeing pair', () => {
    const out = detectAnnotatorFindings(win({ c: [span(110, 115)], a: [span(102, 108)], b: [span(102, 108)] }));
    expect(out.map((f) => f.annotators)).toEqual([
      ['a', 'c'],
      ['b', 'c'],
    ]);
    expect(new Set(out.map((f) => f.key)).size).toBe(2);
  });

  it("a correction folds the corrected spans into the corrector's labelling: one labelling, compared only with independent ones", () => {
    const byAnnotator = new Map(Object.entries({ demo: [span(102, 104)], alice: [span(110, 115)], bob: [span(116, 119)] }));
    expect(detectAnnotatorFindings(win(Object.fromEntries(byAnnotator))).map((f) => f.annotators)).toEqual([
      ['alice', 'bob'],
      ['alice', 'demo'],
      ['bob', 'demo'],
    ]);
    // alice edited (or deleted) one of the demo's spans: the demo's remaining span is part of her labelling.
    const merged = mergeCorrections(byAnnotator, [['demo', 'alice']]);
    expect([...merged.keys()].sort()).toEqual(['alice', 'bob']);
    expect(merged.get('alice')).toEqual([span(102, 104), span(110, 115)]);
    const [f] = detectAnnotatorFindings({ ...win({}), byAnnotator: merged });
    expect(f.annotators).toEqual(['alice', 'bob']);
    // alice alone on the demo's window: nothing to compare.
    expect(
      detectAnnotatorFindings({ ...win({}), byAnnotator: mergeCorrections(new Map([...byAnnotator].filter(([k]) => k !== 'bob')), [['demo', 'alice']]) }),
    ).toEqual([]);
    // Chains and mutual corrections: one labelling, named after whoever corrected last.
    expect([
      ...mergeCorrections(byAnnotator, [
        ['demo', 'alice'],
        ['alice', 'bob'],
      ]).keys(),
    ]).toEqual(['bob']);
    expect(
      [
        ...mergeCorrections(byAnnotator, [
          ['demo', 'alice'],
          ['alice', 'demo'],
        ]).keys(),
      ].sort(),
    ).toEqual(['bob', 'demo']);
    // No corrections: unchanged.
    expect(mergeCorrections(byAnnotator)).toEqual(byAnnotator);
  });
});

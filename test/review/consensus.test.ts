/** Issue #12, point 4: consensus labels by majority per bar, ties by confidence, then by seniority. */
import { describe, expect, it } from 'vitest';
import { consensusBars, consensusSpans } from '../../core/review/consensus.ts';

const m = (entries: Array<[string, Array<{ start: number; end: number; type: string; confidence?: number }>]>) => new Map(entries);

describe('consensus', () => {
  it('takes the majority per bar and turns it into spans', () => {
    const r = consensusSpans(
      20,
      m([
        ['ann', [{ start: 2, end: 9, type: 'up' }]],
        ['bob', [{ start: 4, end: 11, type: 'up' }]],
        ['cy', []],
      ]),
      { minLength: 1, mergeGap: 0 },
    );
    // Bars 4–9 have 2 of 3 votes for up; 2–3 and 10–11 only one.
    expect(r).toEqual([{ start: 4, end: 9, type: 'up', support: 2 / 3 }]);
  });

  it('breaks a tie by confidence, then by seniority', () => {
    const two = (annConf: number, bobConf: number) =>
      m([
        ['ann', [{ start: 0, end: 9, type: 'up', confidence: annConf }]],
        ['bob', [{ start: 0, end: 9, type: 'down', confidence: bobConf }]],
      ]);
    // 1 vote each: the more confident wins.
    expect(consensusBars(10, two(0.6, 0.9)).category[0]).toBe('down');
    expect(consensusBars(10, two(0.9, 0.6)).category[0]).toBe('up');
    // Equal confidence: the senior annotator's side wins, whichever it is.
    expect(consensusBars(10, two(1, 1), ['bob', 'ann']).category[0]).toBe('down');
    expect(consensusBars(10, two(1, 1), ['ann', 'bob']).category[0]).toBe('up');
    // No seniority given: name order decides (ann before bob), never the map's insertion order.
    expect(consensusBars(10, two(1, 1)).category[0]).toBe('up');
    // A "none" vote counts with confidence 1: an unsure span loses a tie against it.
    const spanVsNone = m([
      ['ann', [{ start: 0, end: 9, type: 'up', confidence: 0.5 }]],
      ['bob', []],
    ]);
    expect(consensusBars(10, spanVsNone).category[0]).toBe('');
  });

  it('applies the prediction post-processing: merge small gaps, drop short runs', () => {
    const votes = m([
      [
        'ann',
        [
          { start: 0, end: 4, type: 'up' },
          { start: 6, end: 9, type: 'up' },
          { start: 15, end: 16, type: 'down' },
        ],
      ],
    ]);
    expect(consensusSpans(20, votes, { minLength: 3, mergeGap: 2 })).toEqual([{ start: 0, end: 9, type: 'up', support: 0.9 }]);
  });
});

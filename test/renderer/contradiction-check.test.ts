/** The warning before N / accept (issue 14, point 1): which overlapping windows a change would contradict. */
import { describe, expect, it } from 'vitest';
import { findContradictions } from '../../renderer/src/state/contradiction-check.ts';
import type { Label, WindowInfo } from '../../renderer/src/api/types.ts';

const DAY = 86_400_000;
const times = Array.from({ length: 40 }, (_, i) => i * DAY);
const win = (id: number, start: number, length: number, reviewed = false): WindowInfo => ({
  id,
  setId: 1,
  seriesId: 's',
  extId: `s:${start}`,
  startIndex: start,
  length,
  startTime: times[start],
  endTime: times[start + length - 1],
  role: 'train',
  reviewed,
});
const label = (windowId: number, a: number, b: number, type: string): Label => ({
  id: windowId * 100 + a,
  windowId,
  startTime: times[a],
  endTime: times[b],
  type,
  confidence: 1,
  note: '',
  author: 't',
  createdAt: 0,
  updatedAt: 0,
  origin: 'drawn',
  originRun: null,
});

describe('findContradictions', () => {
  const me = win(1, 10, 20); // bars 10..29
  const left = win(2, 0, 20); // bars 0..19, shares 10..19
  const right = win(3, 20, 20); // bars 20..39, shares 20..29

  it('"no span" contradicts a neighbour span on the shared bars, and names where', () => {
    const c = findContradictions(me, [], times, [left, right], [label(2, 12, 15, 'up')]);
    expect(c).toHaveLength(1);
    expect(c[0].window.id).toBe(2);
    expect([c[0].fromTime, c[0].toTime]).toEqual([times[12], times[15]]);
    expect(c[0]).toMatchObject({ theirs: 'up', ours: 'no span' });
  });

  it('a neighbour span outside the shared bars, or an unlabelled neighbour, does not', () => {
    expect(findContradictions(me, [], times, [left, right], [label(2, 2, 8, 'up')])).toEqual([]);
    expect(findContradictions(me, [{ startTime: times[22], endTime: times[25], type: 'down' }], times, [right], [])).toEqual([]);
  });

  it('a reviewed "no span" neighbour contradicts a proposed span; an identical span agrees', () => {
    const reviewedRight = win(3, 20, 20, true);
    const c = findContradictions(me, [{ startTime: times[22], endTime: times[25], type: 'down' }], times, [reviewedRight], []);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ theirs: 'no span', ours: 'down' });
    expect(findContradictions(me, [{ startTime: times[12], endTime: times[15], type: 'up' }], times, [left], [label(2, 12, 15, 'up')])).toEqual([]);
  });

  it('a type mismatch on shared bars is a contradiction', () => {
    const c = findContradictions(me, [{ startTime: times[12], endTime: times[15], type: 'down' }], times, [left], [label(2, 12, 15, 'up')]);
    expect(c[0]).toMatchObject({ theirs: 'up', ours: 'down' });
  });
});

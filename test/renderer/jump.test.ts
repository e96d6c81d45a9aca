/** "Go to" on the window bar (issue 14, point 4): window numbers and UTC dates to a window of the set. */
import { describe, expect, it } from 'vitest';
import { findJumpTarget, parseJumpTime } from '../../renderer/src/state/jump.ts';
import type { WindowInfo } from '../../renderer/src/api/types.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);
// Windows of 10 daily bars every 5 bars: 0-9, 5-14, 10-19, 15-24.
const windows: WindowInfo[] = [0, 5, 10, 15].map((s, i) => ({
  id: 100 + i,
  setId: 1,
  seriesId: 's',
  extId: `s:${s}`,
  startIndex: s,
  length: 10,
  startTime: T0 + s * DAY,
  endTime: T0 + (s + 9) * DAY,
  role: 'train',
  reviewed: false,
}));
const id = (q: string) => {
  const r = findJumpTarget(windows, q);
  return 'window' in r ? r.window.id : r.error;
};

describe('findJumpTarget', () => {
  it('takes window numbers (1-based, with or without #)', () => {
    expect(id('1')).toBe(100);
    expect(id('#4')).toBe(103);
    expect(id('5')).toMatch(/No window 5: this set has windows 1 to 4/);
  });
  it('takes a date and picks the covering window whose middle is nearest', () => {
    expect(id('2020-01-01')).toBe(100);
    expect(id('2020-01-09')).toBe(101); // day 8: in windows 0-9 and 5-14; nearer the middle of 5-14
    expect(id('2020-01-24 12:00')).toBe(103);
  });
  it('says why a date is refused', () => {
    expect(id('2019-12-31')).toMatch(/outside this set \(2020-01-01 to 2020-01-25\)/);
    expect(id('2020-02-31')).toMatch(/neither a window number nor a date/);
    expect(id('next tuesday')).toMatch(/neither a window number nor a date/);
    expect(parseJumpTime('2020-03-02 14:30')).toBe(Date.UTC(2020, 2, 2, 14, 30));
  });
});

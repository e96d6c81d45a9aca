import { describe, expect, it } from 'vitest';
import { mapColumns, normaliseHeader } from '../../core/import/columns.ts';

describe('mapColumns', () => {
  it('maps synonyms in any case and spacing', () => {
    const m = mapColumns(['  Timestamp ', 'OPEN_PRICE', 'high', 'Low', 'closing-price', 'VOL']);
    expect(m.errors).toEqual([]);
    expect(m.index).toEqual({ time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 });
    expect(m.name.time).toBe('Timestamp');
  });

  it('normalises separators and brackets', () => {
    expect(normaliseHeader(' <Open.Time> ')).toBe('open time');
    expect(normaliseHeader('Time (UTC)')).toBe('time utc');
  });

  it('names an unknown, similar column when a required one is missing', () => {
    const m = mapColumns(['time', 'opn', 'high', 'low', 'close']);
    expect(m.errors).toHaveLength(1);
    expect(m.errors[0].field).toBe('open');
    expect(m.errors[0].message).toContain('"opn" may be a misspelling of open');
    expect(m.warnings).toEqual([{ field: 'opn', message: 'unknown column ignored' }]);
  });

  it('reports duplicates and keeps the first', () => {
    const m = mapColumns(['time', 'open', 'high', 'low', 'close', 'Last']);
    expect(m.index.close).toBe(4);
    expect(m.errors.map((e) => e.field)).toEqual(['Last']);
  });

  it('never maps adjusted close to close', () => {
    for (const adj of ['Adj Close', 'adj_close', 'Adjusted Close', 'AdjClose']) {
      const m = mapColumns(['date', 'open', 'high', 'low', adj]);
      expect(m.index.close, adj).toBe(-1);
      expect(m.errors.map((e) => e.field)).toEqual(['close']);
    }
  });
});

// Valid but unusual files, as real exports come: every one imports, with the values in the file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOhlcvCsv, readOhlcvCsvFile } from '../../core/import/index.ts';
import type { ParsedOhlcv } from '../../core/import/index.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/valid');
const load = (name: string) => readOhlcvCsvFile(path.join(dir, name));
const rows = (p: ParsedOhlcv) =>
  Array.from(p.bars.time, (t, i) => [
    new Date(t).toISOString(),
    p.bars.open[i],
    p.bars.high[i],
    p.bars.low[i],
    p.bars.close[i],
    p.bars.volume === null ? null : p.bars.volume[i],
  ]);

const D2 = '2020-01-02T00:00:00.000Z';
const D3 = '2020-01-03T00:00:00.000Z';
const SIMPLE = [
  [D2, 10, 11, 9, 10.5, 100],
  [D3, 10.5, 12, 10, 11, 200],
];
const SIMPLE_NO_VOL = SIMPLE.map((r) => [...r.slice(0, 5), null]);

describe('valid corpus', () => {
  it('semicolons with decimal commas', async () => {
    const p = await load('semicolon-decimal-comma.csv');
    expect(p.delimiter).toBe(';');
    expect(rows(p)).toEqual([
      [D2, 1.0523, 1.053, 1.051, 1.0525, 1200.5],
      [D3, 1.0525, 1.054, 1.052, 1.0535, 900],
    ]);
  });

  it('semicolons with decimal points', async () => {
    const p = await load('semicolon-decimal-point.csv');
    expect(p.delimiter).toBe(';');
    expect(p.bars.open[0]).toBe(1.0523);
    expect(p.bars.volume).toBeNull();
  });

  it('upper-case headers', async () => {
    const p = await load('upper-case.csv');
    expect(rows(p)).toEqual(SIMPLE);
    expect(p.columns).toEqual({ time: 'TIME', open: 'OPEN', high: 'HIGH', low: 'LOW', close: 'CLOSE', volume: 'VOLUME' });
  });

  it('synonyms with surrounding spaces in headers and cells', async () => {
    const p = await load('synonyms-spaces.csv');
    expect(rows(p)).toEqual(SIMPLE);
    expect(p.columns).toEqual({ time: 'Date', open: 'O', high: 'H', low: 'L', close: 'Price Close', volume: 'Vol' });
  });

  it('Binance-style "Open Time" in epoch ms and "Last" as close', async () => {
    const p = await load('synonyms-binance.csv');
    expect(p.timeFormat).toBe('epoch-ms');
    expect(p.columns.time).toBe('Open Time');
    expect(p.columns.close).toBe('Last');
    expect(p.bars.time[1]).toBe(1577840400000);
    expect(p.bars.close[1]).toBe(7216.27);
  });

  it('UTF-8 BOM before the header', async () => {
    const p = await load('bom.csv');
    expect(readFileSync(path.join(dir, 'bom.csv'))[0]).toBe(0xef);
    expect(p.columns.time).toBe('time');
    expect(rows(p)).toEqual(SIMPLE);
    // The same through the text API, where the BOM arrives as U+FEFF.
    expect(rows(parseOhlcvCsv(readFileSync(path.join(dir, 'bom.csv'), 'utf8'), 'bom.csv'))).toEqual(SIMPLE);
  });

  it('epoch seconds', async () => {
    const p = await load('epoch-s.csv');
    expect(p.timeFormat).toBe('epoch-s');
    expect(Array.from(p.bars.time)).toEqual([1577836800000, 1577840400000, 1577844000000]);
    expect(p.bars.volume?.[2]).toBe(0);
  });

  it('epoch milliseconds', async () => {
    const p = await load('epoch-ms.csv');
    expect(p.timeFormat).toBe('epoch-ms');
    expect(Array.from(p.bars.time)).toEqual([1577836800000, 1577836860000]);
  });

  it('ISO datetimes with zones, fractions and a space separator', async () => {
    const p = await load('iso-zones.csv');
    expect(p.timeFormat).toBe('iso-datetime');
    expect(Array.from(p.bars.time, (t) => new Date(t).toISOString())).toEqual([
      '2020-01-01T08:00:00.000Z',
      '2020-01-01T08:30:00.250Z',
      '2020-01-01T09:00:00.000Z',
      '2020-01-01T09:00:00.500Z',
    ]);
  });

  it('ISO datetimes without a zone are UTC', async () => {
    const p = await load('iso-no-zone.csv');
    expect(Array.from(p.bars.time)).toEqual([Date.UTC(2020, 0, 31, 10), Date.UTC(2020, 0, 31, 10, 30), Date.UTC(2020, 6, 1, 23, 59, 59, 999)]);
  });

  it('no volume column gives volume: null', async () => {
    const p = await load('no-volume.csv');
    expect(p.bars.volume).toBeNull();
    expect(p.columns.volume).toBeNull();
    expect(p.timeFormat).toBe('iso-date');
    expect(rows(p)).toEqual(SIMPLE_NO_VOL);
  });

  it('Yahoo-style Adj Close is ignored, never used as close', async () => {
    const p = await load('adj-close-yahoo.csv');
    expect(p.columns.close).toBe('Close');
    expect(Array.from(p.bars.close)).toEqual([75.09, 74.36]);
    expect(p.warnings).toEqual([
      { file: path.join(dir, 'adj-close-yahoo.csv'), line: 1, field: 'Adj Close', message: expect.stringContaining('adjusted close') },
    ]);
  });

  it('adj_close before close is ignored too', async () => {
    const p = await load('adj-close-first.csv');
    expect(Array.from(p.bars.close)).toEqual([75.09, 74.36]);
    expect(p.warnings.map((w) => w.field)).toEqual(['adj_close']);
  });

  it('CRLF line ends', async () => {
    expect(rows(await load('crlf.csv'))).toEqual(SIMPLE);
  });

  it('quoted fields and a quoted header', async () => {
    expect(rows(await load('quoted.csv'))).toEqual(SIMPLE);
  });

  it('quoted multi-line note with CRLF, and a quoted delimiter', async () => {
    const p = await load('quoted-multiline-crlf.csv');
    expect(rows(p)).toEqual(SIMPLE_NO_VOL);
    expect(p.warnings.map((w) => [w.field, w.message])).toEqual([['note', 'unknown column ignored']]);
  });

  it('unknown extra columns are ignored with warnings', async () => {
    const p = await load('extra-columns.csv');
    expect(rows(p)).toEqual(SIMPLE);
    expect(p.warnings.map((w) => [w.line, w.field])).toEqual([
      [1, 'symbol'],
      [1, 'trades'],
    ]);
  });

  it('trailing delimiter and blank lines', async () => {
    const p = await load('trailing-delimiter-blank-lines.csv');
    expect(rows(p)).toEqual(SIMPLE_NO_VOL);
    expect(p.warnings.map((w) => w.message)).toEqual(['column 6 has no name; ignored']);
  });

  it('no newline at the end', async () => {
    expect(rows(await load('no-final-newline.csv'))).toEqual(SIMPLE_NO_VOL);
  });

  it('newest-first rows are sorted oldest-first, and said so (issue 13; was an error)', async () => {
    const p = await load('newest-first.csv');
    expect(rows(p).map((r) => [r[0], r[4]])).toEqual([
      ['2020-01-01T00:00:00.000Z', 10.5],
      ['2020-01-02T00:00:00.000Z', 11],
      ['2020-01-03T00:00:00.000Z', 10.8],
      ['2020-01-04T00:00:00.000Z', 11],
    ]);
    expect(p.detected.rowOrder).toBe('newest-first');
  });

  it('a Date column and a Time column are one time (issue 13; was "both mean time")', async () => {
    const p = await load('date-and-clock-columns.csv');
    expect(rows(p)).toEqual([['2020-01-01T10:00:00.000Z', 10, 11, 9, 10.5, null]]);
    expect(p.detected.columns.map((c) => c.role)).toEqual(['date', 'clock', 'open', 'high', 'low', 'close']);
  });

  it('exponents, explicit plus signs and leading dots', async () => {
    const p = await load('exponent-and-signs.csv');
    expect(rows(p)).toEqual([
      [D2, 10, 11, 9, 10.5, 1000],
      [D3, 0.5, 0.6, 0.4, 0.55, 0],
    ]);
  });
});

describe('progress and text API', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'candlemark-import-test-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  // ~3.3 MB: several 1 MiB pieces, so progress is reported more than once.
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < 60_000; i++) lines.push(`${1577836800000 + i * 60_000},100.25,101.5,99.75,100.5,${i}`);
  const text = `${lines.join('\n')}\n`;

  it('readOhlcvCsvFile reports rising fractions ending at 1', async () => {
    const file = path.join(tmp, 'big.csv');
    writeFileSync(file, text);
    const seen: number[] = [];
    const p = await readOhlcvCsvFile(file, { onProgress: (f) => seen.push(f) });
    expect(p.rowCount).toBe(60_000);
    expect(p.bars.volume?.[59_999]).toBe(59_999);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.every((f) => f >= 0 && f <= 1)).toBe(true);
    expect(seen.at(-1)).toBe(1);
  });

  it('parseOhlcvCsv gives the same result, with progress, and quoted files report progress too', () => {
    const seen: number[] = [];
    const p = parseOhlcvCsv(text, 'big.csv', { onProgress: (f) => seen.push(f) });
    expect(p.rowCount).toBe(60_000);
    expect(p.bars.time[59_999]).toBe(1577836800000 + 59_999 * 60_000);
    expect(seen.length).toBeGreaterThan(2);
    const quoted = text.replace('time,open', '"time",open');
    const seenQ: number[] = [];
    expect(parseOhlcvCsv(quoted, 'q.csv', { onProgress: (f) => seenQ.push(f) }).rowCount).toBe(60_000);
    expect(seenQ.length).toBeGreaterThan(2);
    expect(seenQ).toEqual([...seenQ].sort((a, b) => a - b));
  });
});

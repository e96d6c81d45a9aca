import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, detectTimeKind, parseIsoTime, parseTimeCell } from '../../core/import/timestamps.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const iso = (s: string) => parseIsoTime(s)?.ms ?? null;

describe('parseIsoTime', () => {
  it('reads dates and datetimes without a zone as UTC', () => {
    expect(iso('2020-01-31')).toBe(Date.UTC(2020, 0, 31));
    expect(iso('2020-01-31T10:00:00')).toBe(Date.UTC(2020, 0, 31, 10));
    expect(iso('2020-01-31 10:00')).toBe(Date.UTC(2020, 0, 31, 10));
    expect(iso('2020-01-31T10:00:00.123')).toBe(Date.UTC(2020, 0, 31, 10, 0, 0, 123));
    expect(iso('2020-01-31T10:00:00.5')).toBe(Date.UTC(2020, 0, 31, 10, 0, 0, 500));
    expect(iso('2020-01-31T10:00:00.123456789Z')).toBe(Date.UTC(2020, 0, 31, 10, 0, 0, 123));
  });
  it('applies zones', () => {
    expect(iso('2020-01-31T10:00:00Z')).toBe(Date.UTC(2020, 0, 31, 10));
    expect(iso('2020-01-31T10:00:00+01:00')).toBe(Date.UTC(2020, 0, 31, 9));
    expect(iso('2020-01-31T10:00:00-0530')).toBe(Date.UTC(2020, 0, 31, 15, 30));
    expect(iso('2020-01-31T00:30+02')).toBe(Date.UTC(2020, 0, 30, 22, 30));
  });
  it('agrees with Date.parse on zoned strings across leap years and centuries', () => {
    for (const s of [
      '1970-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '2000-02-29T12:00:00Z',
      '2100-03-01T00:00:00Z',
      '1900-02-28T00:00:00Z',
      '2024-12-31T23:59:59.999Z',
    ]) {
      expect(iso(s)).toBe(Date.parse(s));
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
  });
  it('rejects impossible or malformed values', () => {
    for (const s of [
      '2021-02-29',
      '2020-13-01',
      '2020-00-10',
      '2020-04-31',
      '2020-01-01T24:00',
      '2020-01-01T10:60',
      '2020-01-01T10:00:61',
      '2020-1-1',
      '31/01/2020',
      '2020-01-01T10',
      '2020-01-01T10:00+25:00',
      '',
    ]) {
      expect(parseIsoTime(s), s).toBeNull();
    }
    expect(iso('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
  });
});

describe('epoch detection and per-file checks', () => {
  it('decides seconds vs milliseconds from magnitude', () => {
    expect(detectTimeKind('1577836800')).toBe('epoch-s');
    expect(detectTimeKind('1577836800000')).toBe('epoch-ms');
    expect(detectTimeKind('99999999999')).toBe('epoch-s');
    expect(detectTimeKind('100000000000')).toBe('epoch-ms');
    expect(detectTimeKind('2020-01-01')).toBe('iso');
    expect(detectTimeKind('Jan 1 2020')).toBeNull();
  });
  it('converts and flags cells that do not fit the file', () => {
    expect(parseTimeCell('1577836800', 'epoch-s')).toEqual({ ok: true, ms: 1577836800000, hasClock: true });
    expect(parseTimeCell('1577836800.5', 'epoch-s')).toEqual({ ok: true, ms: 1577836800500, hasClock: true });
    const r = parseTimeCell('1577836800', 'epoch-ms');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/looks like seconds/);
    const q = parseTimeCell('2020-01-01', 'epoch-s');
    expect(q.ok).toBe(false);
    if (!q.ok) expect(q.message).toMatch(/ISO time in a file of epoch numbers/);
  });
});

describe('independent of the local time zone', () => {
  it('gives the same UTC times in a child process with TZ=America/New_York', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'tz-child.ts')], {
      env: { ...process.env, TZ: 'America/New_York' },
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').pop() as string);
    expect(r.tz).toBe('America/New_York');
    expect(r.offsetMinutes).toBe(300); // the child really is in New York (EST = UTC-5)
    expect(r.fileTimes).toEqual([Date.UTC(2020, 0, 31, 10), Date.UTC(2020, 0, 31, 10, 30), Date.UTC(2020, 6, 1, 23, 59, 59, 999)]);
    expect(r.single).toBe(Date.UTC(2020, 6, 1, 12));
  });
});

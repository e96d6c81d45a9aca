// The pieces of vendor-file detection on their own: written times, zones, sniffing, numbers, layout.
import { describe, expect, it } from 'vitest';
import { DateOrderVote, describeLayout, parseWrittenTime } from '../../core/import/datetime.ts';
import { ZoneConverter, isKnownZone } from '../../core/import/zone.ts';
import { sniff } from '../../core/import/sniff.ts';
import { parseNumberCell, parseVolumeCell, scaled } from '../../core/import/numbers.ts';
import { layoutFromHeader, layoutFromRoles, suggestColumns } from '../../core/import/layout.ts';
import { detectKind, patternRegex, TimeReader } from '../../core/import/time-reader.ts';
import { checkSettings } from '../../core/import/settings.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const wall = (text: string, order: 'dmy' | 'mdy' | 'ymd' | null = null) => {
  const w = parseWrittenTime(text, order);
  return w === null ? null : iso(w.wallMs - (w.offsetMin ?? 0) * 60_000);
};

describe('written times', () => {
  it('reads the vendor layouts', () => {
    expect(wall('01.01.2017 22:00:00.000', 'dmy')).toBe('2017-01-01T22:00:00.000Z');
    expect(wall('2019-10-17 09-AM')).toBe('2019-10-17T09:00:00.000Z');
    expect(wall('2019-10-17 12-AM')).toBe('2019-10-17T00:00:00.000Z');
    expect(wall('2019-10-17 12-PM')).toBe('2019-10-17T12:00:00.000Z');
    expect(wall('01/13/2020 9:00 PM', 'mdy')).toBe('2020-01-13T21:00:00.000Z');
    expect(wall('19980102 00:00')).toBe('1998-01-02T00:00:00.000Z');
    expect(wall('2020.01.02')).toBe('2020-01-02T00:00:00.000Z');
    expect(wall('Jan 02, 2009')).toBe('2009-01-02T00:00:00.000Z');
    expect(wall('2 January 2009 9 p.m.')).toBe('2009-01-02T21:00:00.000Z');
    expect(wall('02-Jan-2009')).toBe('2009-01-02T00:00:00.000Z');
    expect(wall('2020-01-31T10:00:00.123456+02:00')).toBe('2020-01-31T08:00:00.123Z');
  });

  it('refuses impossible or half-written times', () => {
    expect(wall('31.02.2020', 'dmy')).toBeNull();
    expect(wall('2020-01-01 13 PM')).toBeNull();
    expect(wall('2020-01-01 09')).toBeNull();
    expect(wall('2020-01-01 24:00')).toBeNull();
    expect(wall('Foo 02, 2009')).toBeNull();
  });

  it('decides day/month order from the whole column', () => {
    const v = new DateOrderVote();
    for (const c of ['01/02/2020', '03/02/2020', '25/02/2020']) v.add(c);
    expect(v.decide()).toBe('dmy');
    const w = new DateOrderVote();
    for (const c of ['01/02/2020', '01/13/2020']) w.add(c);
    expect(w.decide()).toBe('mdy');
    const x = new DateOrderVote();
    for (const c of ['13/01/2020', '01/13/2020']) x.add(c);
    expect(x.decide()).toBe('conflict');
    expect(new DateOrderVote().decide()).toBeNull();
  });

  it('describes layouts for the report', () => {
    expect(describeLayout('01.01.2017 22:00:00.000', 'dmy')).toBe('DD.MM.YYYY HH:mm:ss.SSS');
    expect(describeLayout('2019-10-17 09-AM', null)).toBe('YYYY-MM-DD hh-A');
    expect(describeLayout('Jan 02, 2009', null)).toBe('MMM DD, YYYY');
  });

  it('tells epoch units and compact dates apart', () => {
    expect(detectKind('1577836800')).toBe('epoch-s');
    expect(detectKind('1577836800000')).toBe('epoch-ms');
    expect(detectKind('1577836800000000')).toBe('epoch-us');
    expect(detectKind('1577836800000000000')).toBe('epoch-ns');
    expect(detectKind('20200131')).toBe('written');
    const r = new TimeReader({});
    expect(r.read('1577836800000000000')).toEqual({ ok: true, ms: 1577836800000 });
    expect(r.read('1577836800').ok).toBe(false);
  });
});

describe('--time-format patterns', () => {
  it('are checked on every cell and give the day/month order', () => {
    expect(patternRegex('DD.MM.YYYY HH:mm:ss.SSS').test('01.01.2017 22:00:00.000')).toBe(true);
    expect(patternRegex('YYYY-MM-DD hh-A').test('2019-10-17 09-AM')).toBe(true);
    expect(patternRegex('DD/MM/YYYY').test('2020-01-02')).toBe(false);
    const r = new TimeReader({ timeFormat: 'DD/MM/YYYY' });
    expect(r.read('01/02/2020')).toEqual({ ok: true, ms: Date.UTC(2020, 1, 1) });
    const bad = r.read('01/02/2020 10:00');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toContain('expected a time in the format DD/MM/YYYY');
  });
});

describe('time zones', () => {
  const berlin = new ZoneConverter('Europe/Berlin');
  const w = (s: string) => Date.parse(s + 'Z');

  it('converts local times with the offset in force', () => {
    expect(berlin.toUtc(w('2021-01-15T12:00:00'))).toEqual({ ok: true, ms: Date.parse('2021-01-15T11:00:00Z') });
    expect(berlin.toUtc(w('2021-07-15T12:00:00'))).toEqual({ ok: true, ms: Date.parse('2021-07-15T10:00:00Z') });
    const ny = new ZoneConverter('America/New_York');
    expect(ny.toUtc(w('2021-03-14T03:30:00'))).toEqual({ ok: true, ms: Date.parse('2021-03-14T07:30:00Z') });
  });

  it('calls skipped and repeated local times what they are', () => {
    expect(berlin.toUtc(w('2021-03-28T02:30:00'))).toMatchObject({ ok: false, reason: 'nonexistent' });
    expect(berlin.toUtc(w('2021-10-31T02:30:00'))).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(isKnownZone('Europe/Berlin')).toBe(true);
    expect(isKnownZone('Mars/Olympus')).toBe(false);
  });
});

describe('sniffing', () => {
  const b = (s: string) => Buffer.from(s);
  it('finds the separator, banner lines and a missing header', () => {
    expect(sniff(b('a|b|c\n1|2|3\n')).delimiter).toBe('|');
    expect(sniff(b('time\topen\thigh\tlow\tclose\n1\t2\t3\t1\t2\n')).delimiter).toBe('\t');
    const s = sniff(b('Timestamps are UTC timezone,https://x\ndate,open,high,low,close\n2020-01-01,1,2,0.5,1\n'));
    expect(s.skip).toBe(1);
    expect(s.header).toBe(true);
    expect(sniff(b('20200101 00:00,1,2,0.5,1\n')).header).toBe(false);
    expect(sniff(b('time;open;high;low;close\n2020-01-01;1,5;2;0,5;1\n')).sawDecimalComma).toBe(true);
  });
});

describe('numbers', () => {
  it('reads thousands groups, suffixes and scales exactly', () => {
    expect(parseNumberCell('1,568.80', false)).toBe(1568.8);
    expect(parseNumberCell('1 234,5', true)).toBe(1234.5);
    expect(parseNumberCell('1.234,5', true)).toBeNaN();
    expect(parseNumberCell('12,34', false)).toBeNaN();
    expect(parseVolumeCell('1.23M', false)).toBe(1230000);
    expect(parseVolumeCell('850.50K', false)).toBe(850500);
    expect(parseVolumeCell('2B', false)).toBe(2e9);
    expect(parseVolumeCell('-', false)).toBeNaN();
    expect(scaled(973100, 0.0001)).toBe(97.31);
  });
});

describe('layout', () => {
  it('joins a date and a clock column and picks the base-asset volume', () => {
    const l = layoutFromHeader(
      ['Date', 'Time', 'Open', 'High', 'Low', 'Close', 'Volume From', 'Volume To'],
      ['2020.01.02', '09:30', '1', '2', '0.5', '1', '3', '4'],
      'x.csv',
    );
    expect(l.index.time).toBe(0);
    expect(l.clock).toBe(1);
    expect(l.index.volume).toBe(6);
  });

  it('checks --columns roles', () => {
    expect(layoutFromRoles(['time', 'open', 'high', 'low', 'close'], null, 5).errors).toEqual([]);
    expect(
      layoutFromRoles(['time', 'open', 'open', 'low', 'close'], null, 5)
        .errors.map((e) => e.message)
        .join(),
    ).toContain('names open twice');
    expect(layoutFromRoles(['time', 'open', 'high', 'low'], null, 5).errors.map((e) => e.field)).toEqual(['close']);
    expect(suggestColumns(['2020.01.02', '09:30', '1', '2', '0.5', '1', '3', 'x'])).toBe('date,time,open,high,low,close,volume,skip');
    expect(checkSettings({ columns: ['when'] })[0]).toContain('unknown role "when"');
  });
});

/**
 * Acceptance corpus of issue 13: the raw vendor files in ../shared/data/raw as they are, the LEAN
 * daily file's CSV taken out of its zip, and generated files in each vendor shape. Each is
 * imported into a real project through the service and read back with series.exportText (what
 * `candlemark series export` writes): bar count, first/last UTC time and first/last close.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError } from '../../core/service/errors.ts';
import type { ImportSettings } from '../../core/import/index.ts';
import { SHARED_DATA, tempDir } from '../helpers/paths.ts';
import { unzipFirst } from './unzip.ts';

const RAW = path.join(SHARED_DATA, 'raw');

interface Case {
  name: string;
  /** File text (generated), or a path to a real file. */
  text?: string;
  file?: string;
  settings?: ImportSettings;
  bars: number;
  first: [string, number];
  last: [string, number];
  /** Checks on what was detected. */
  detected?: (d: Record<string, unknown>, warnings: string[]) => void;
}

const dir = tempDir('candlemark-vendor-');
let lean: string;

const CASES: Case[] = [
  {
    name: 'Coinbase_BTCUSD_1h.csv (CryptoDataDownload: banner, newest-first, 09-AM hours, two volumes)',
    file: path.join(RAW, 'Coinbase_BTCUSD_1h.csv'),
    bars: 20111,
    first: ['2017-07-01T11:00:00Z', 2509.17],
    last: ['2019-10-17T09:00:00Z', 8035.88],
    detected: (d) => {
      expect(d.rowOrder).toBe('newest-first');
      expect(d.skippedLines).toEqual([{ line: 1, text: 'Timestamps are UTC timezone,https://www.CryptoDataDownload.com' }]);
      expect(d.volume).toBe('"volume_btc"');
      expect(d.timeFormat).toBe('YYYY-MM-DD hh-A');
    },
  },
  {
    name: 'FOREX_EURUSD_1H_ASK.csv (Dukascopy-like: dotted day-first, fractional seconds)',
    file: path.join(RAW, 'FOREX_EURUSD_1H_ASK.csv'),
    bars: 6225,
    first: ['2017-01-01T22:00:00Z', 1.05227],
    last: ['2017-12-29T21:00:00Z', 1.20075],
    detected: (d) => {
      expect(d.dateOrder).toBe('dmy');
      expect(d.timeFormat).toBe('DD.MM.YYYY HH:mm:ss.SSS');
    },
  },
  {
    name: 'LEAN spy.csv from the zip (headerless, YYYYMMDD HH:mm, prices in 1/10,000 dollars)',
    settings: { columns: ['time', 'open', 'high', 'low', 'close', 'volume'], priceScale: 0.0001 },
    bars: 5849,
    first: ['1998-01-02T00:00:00Z', 97.36],
    last: ['2021-03-31T00:00:00Z', 396.33],
    detected: (d) => {
      expect(d.header).toBe(false);
      expect(d.priceScale).toBe(0.0001);
    },
  },
  {
    name: 'banner and comment lines before the header',
    text: '# Exported from SomeBroker 5.2\n# Symbol: XAUUSD, period H1\n\nDate,Open,High,Low,Close\n2021-01-04 00:00,1900.5,1910,1899,1905\n2021-01-04 01:00,1905,1907,1901,1902.25\n',
    bars: 2,
    first: ['2021-01-04T00:00:00Z', 1905],
    last: ['2021-01-04T01:00:00Z', 1902.25],
    detected: (d) => expect((d.skippedLines as unknown[]).length).toBe(2),
  },
  {
    name: 'headerless MetaTrader-style with --columns date,time,…',
    text: '2020.01.02,09:30,1.1210,1.1220,1.1200,1.1215,340\n2020.01.02,09:31,1.1215,1.1230,1.1214,1.1228,120\n2020.01.02,09:32,1.1228,1.1229,1.1219,1.1221,95\n',
    settings: { columns: ['date', 'time', 'open', 'high', 'low', 'close', 'volume'] },
    bars: 3,
    first: ['2020-01-02T09:30:00Z', 1.1215],
    last: ['2020-01-02T09:32:00Z', 1.1221],
  },
  {
    name: 'dotted day-first dates decided by the whole column (first rows ambiguous)',
    text:
      'Date,Open,High,Low,Close\n' +
      ['02.01.2020', '03.01.2020', '06.01.2020', '13.01.2020'].map((d, i) => `${d},${10 + i},${11 + i},${9 + i},${10.5 + i}`).join('\n'),
    bars: 4,
    first: ['2020-01-02T00:00:00Z', 10.5],
    last: ['2020-01-13T00:00:00Z', 13.5],
    detected: (d) => expect(d.dateOrder).toBe('dmy'),
  },
  {
    name: 'month-first slashed dates with a 12-hour clock',
    text: 'Date,Open,High,Low,Close,Volume\n01/12/2020 9:00 AM,10,11,9,10.5,1\n01/12/2020 12:00 PM,10.5,11,10,10.75,2\n01/13/2020 9:00 PM,10.75,12,10.5,11.5,3\n',
    bars: 3,
    first: ['2020-01-12T09:00:00Z', 10.5],
    last: ['2020-01-13T21:00:00Z', 11.5],
    detected: (d) => expect(d.dateOrder).toBe('mdy'),
  },
  {
    name: 'semicolons with decimal commas',
    text: 'Datum;Open;High;Low;Close;Volume\n2020-01-02;1,0523;1,0530;1,0510;1,0525;1200,5\n2020-01-03;1,0525;1,0540;1,0520;1,0535;900\n',
    bars: 2,
    first: ['2020-01-02T00:00:00Z', 1.0525],
    last: ['2020-01-03T00:00:00Z', 1.0535],
    detected: (d) => {
      expect(d.delimiter).toBe(';');
      expect(d.decimal).toBe(',');
    },
  },
  {
    name: 'investing.com: Price as close, Vol. with K/M/B, thousands separators, month names, newest-first',
    text:
      '"Date","Price","Open","High","Low","Vol.","Change %"\n' +
      '"Jan 06, 2020","1,568.80","1,552.40","1,588.10","1,552.40","1.25M","1.04%"\n' +
      '"Jan 03, 2020","1,552.60","1,528.00","1,556.50","1,527.90","850.50K","1.55%"\n' +
      '"Jan 02, 2020","1,528.90","1,519.50","1,530.70","1,518.20","2B","0.61%"\n',
    bars: 3,
    first: ['2020-01-02T00:00:00Z', 1528.9],
    last: ['2020-01-06T00:00:00Z', 1568.8],
    detected: (d) => {
      expect(d.rowOrder).toBe('newest-first');
      expect((d.columns as { name: string; role: string }[]).map((c) => c.role)).toEqual(['time', 'close', 'open', 'high', 'low', 'volume', 'ignored']);
    },
  },
  {
    name: 'an empty volume column means no volume (gold CFD)',
    text: 'time,open,high,low,close,volume\n2021-01-04T00:00:00Z,1900,1910,1899,1905,\n2021-01-04T01:00:00Z,1905,1907,1901,1902,\n',
    bars: 2,
    first: ['2021-01-04T00:00:00Z', 1905],
    last: ['2021-01-04T01:00:00Z', 1902],
    detected: (d) => expect(d.volume).toContain('empty on every row'),
  },
  {
    name: 'naive local times with --tz across the spring DST change (Europe/Berlin)',
    // 2021-03-28: 02:00 local does not exist; hourly bars jump from 01:00 (+01:00) to 03:00 (+02:00).
    text: 'time,open,high,low,close\n2021-03-28 00:00,10,11,9,10\n2021-03-28 01:00,10,11,9,10.1\n2021-03-28 03:00,10,11,9,10.2\n2021-03-28 04:00,10,11,9,10.3\n',
    settings: { tz: 'Europe/Berlin' },
    bars: 4,
    first: ['2021-03-27T23:00:00Z', 10],
    last: ['2021-03-28T02:00:00Z', 10.3],
    detected: (d) => expect(d.timeZone).toBe('Europe/Berlin'),
  },
  {
    name: 'exact duplicate rows are dropped with a warning',
    text: 'time,open,high,low,close,volume\n2020-01-01,10,11,9,10.5,100\n2020-01-02,10.5,12,10,11,100\n2020-01-02,10.5,12,10,11,100\n2020-01-03,11,11.5,10.2,10.8,100\n',
    bars: 3,
    first: ['2020-01-01T00:00:00Z', 10.5],
    last: ['2020-01-03T00:00:00Z', 10.8],
    detected: (d, warnings) => {
      expect(d.duplicatesDropped).toBe(1);
      expect(warnings.some((w) => w.includes(':4:') && w.includes('exact duplicate of line 3'))).toBe(true);
    },
  },
  {
    name: 'newer CryptoDataDownload: unix beside date, checked against each other, Volume BTC/USD',
    text:
      'https://www.CryptoDataDownload.com\nunix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n' +
      '1571306400,2019-10-17 10:00:00,BTC/USD,8035.88,8060,8030,8050,12.5,100625\n' +
      '1571302800,2019-10-17 09:00:00,BTC/USD,8051,8056.83,8021.23,8035.88,61.25,492394.56\n',
    bars: 2,
    first: ['2019-10-17T09:00:00Z', 8035.88],
    last: ['2019-10-17T10:00:00Z', 8050],
    detected: (d) => {
      expect(d.volume).toBe('"Volume BTC"');
      expect((d.columns as { role: string }[]).map((c) => c.role)).toEqual([
        'time',
        'time-check',
        'ignored',
        'open',
        'high',
        'low',
        'close',
        'volume',
        'ignored',
      ]);
    },
  },
  {
    name: 'tab-separated, epoch microseconds',
    text: 'timestamp\topen\thigh\tlow\tclose\n1577836800000000\t1\t2\t0.5\t1.5\n1577840400000000\t1.5\t2\t1\t1.75\n',
    bars: 2,
    first: ['2020-01-01T00:00:00Z', 1.5],
    last: ['2020-01-01T01:00:00Z', 1.75],
    detected: (d) => expect(d.timeFormat).toBe('epoch microseconds'),
  },
  {
    name: 'MetaTrader 5 export: tabs, <DATE> and <TIME> columns, all-zero <VOL> means no volume',
    text: '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n2021.03.01\t00:00:00\t1.20722\t1.20790\t1.20700\t1.20760\t812\t0\t2\n2021.03.01\t01:00:00\t1.20760\t1.20800\t1.20740\t1.20771\t655\t0\t2\n',
    bars: 2,
    first: ['2021-03-01T00:00:00Z', 1.2076],
    last: ['2021-03-01T01:00:00Z', 1.20771],
    detected: (d) => {
      expect(d.delimiter).toBe('\t');
      expect(d.volume).toContain('zero on every row');
    },
  },
  {
    name: '--skip 2 for a preamble that looks like a table',
    text: 'Account,12345,x,y,z\nExported,2021-01-01,a,b,c\ntime,open,high,low,close\n2021-01-04,1,2,0.5,1.5\n2021-01-05,1.5,2,1,1.25\n',
    settings: { skip: 2 },
    bars: 2,
    first: ['2021-01-04T00:00:00Z', 1.5],
    last: ['2021-01-05T00:00:00Z', 1.25],
  },
  {
    name: '--decimal . in a semicolon file with thousands groups',
    text: 'time;open;high;low;close\n2021-01-04;1,234.5;1,240;1,230;1,235.25\n2021-01-05;1,235.25;1,250;1,233;1,249\n',
    settings: { decimal: '.' },
    bars: 2,
    first: ['2021-01-04T00:00:00Z', 1235.25],
    last: ['2021-01-05T00:00:00Z', 1249],
  },
  {
    name: '--date-order mdy when no date settles it',
    text: 'Date,Open,High,Low,Close\n01/02/2020,1,2,0.5,1.5\n02/02/2020,1,2,0.5,1.25\n',
    settings: { dateOrder: 'mdy' },
    bars: 2,
    first: ['2020-01-02T00:00:00Z', 1.5],
    last: ['2020-02-02T00:00:00Z', 1.25],
  },
  {
    name: '--time-format pattern gives the day/month order',
    text: 'Date,Open,High,Low,Close\n01/02/2020,1,2,0.5,1.5\n02/02/2020,1,2,0.5,1.25\n',
    settings: { timeFormat: 'DD/MM/YYYY' },
    bars: 2,
    first: ['2020-02-01T00:00:00Z', 1.5],
    last: ['2020-02-02T00:00:00Z', 1.25],
  },
  {
    name: 'pipe-separated, Yahoo-style with Adj Close ignored',
    text: 'Date|Open|High|Low|Close|Adj Close|Volume\n2020-01-02|324.87|325.68|323.30|324.87|310.14|59151200\n2020-01-03|321.99|323.64|321.10|322.41|307.79|77709700\n',
    bars: 2,
    first: ['2020-01-02T00:00:00Z', 324.87],
    last: ['2020-01-03T00:00:00Z', 322.41],
  },
];

function exported(text: string): { rows: string[][]; header: string } {
  const lines = text.trim().split('\n');
  return { header: lines[0], rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('vendor corpus: imports and reads back with series export', () => {
  const project = path.join(dir, 'vendors.candlemark');
  let service: CandlemarkService;

  beforeAll(() => {
    const z = unzipFirst(path.join(RAW, 'lean_equity_usa_daily_spy.zip'));
    expect(z.name).toBe('spy.csv');
    lean = path.join(dir, 'spy.csv');
    fs.writeFileSync(lean, z.data);
    service = CandlemarkService.open(project, { create: true });
  });
  afterAll(() => service.close());

  CASES.forEach((c, k) => {
    it(c.name, async () => {
      let file = c.file ?? (c.text === undefined ? lean : path.join(dir, `case-${k}.csv`));
      if (c.text !== undefined) fs.writeFileSync(file, c.text);
      file = path.resolve(file);
      const seriesId = `case-${k}`;
      const r = await service.call('series.import', { path: file, seriesId, settings: c.settings });
      expect(r.series.barCount).toBe(c.bars);
      const out = exported((await service.call('series.exportText', { seriesId })).text);
      expect(out.rows).toHaveLength(c.bars);
      expect(out.header.startsWith('time,open,high,low,close')).toBe(true);
      const first = out.rows[0];
      const last = out.rows[out.rows.length - 1];
      expect([first[0], Number(first[4])]).toEqual(c.first);
      expect([last[0], Number(last[4])]).toEqual(c.last);
      c.detected?.(r.detected as unknown as Record<string, unknown>, r.warnings);
    });
  });

  it('re-import without settings reuses the stored ones (LEAN)', async () => {
    const again = await service.call('series.import', { path: lean, seriesId: 'case-2', replace: true });
    expect(again.settings).toEqual({ columns: ['time', 'open', 'high', 'low', 'close', 'volume'], priceScale: 0.0001 });
    expect(again.series.barCount).toBe(5849);
    // The app sends an empty settings object when the user changed nothing: the stored ones still apply.
    const viaApp = await service.call('series.importText', {
      fileName: 'spy.csv',
      text: fs.readFileSync(lean, 'utf8'),
      seriesId: 'case-2',
      replace: true,
      settings: {},
    });
    expect(viaApp.settings?.priceScale).toBe(0.0001);
  });
});

describe('vendor corpus: what stays an error, with its line', () => {
  const project = path.join(dir, 'errors.candlemark');

  async function failure(text: string, settings?: ImportSettings): Promise<CandlemarkError> {
    const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.csv`);
    fs.writeFileSync(file, text);
    const s = CandlemarkService.open(project, { create: true });
    try {
      await s.call('series.import', { path: file, seriesId: 'bad', settings });
    } catch (e) {
      return e as CandlemarkError;
    } finally {
      s.close();
    }
    throw new Error('imported without error');
  }

  it('a nonexistent local time (spring forward) names its line', async () => {
    const e = await failure('time,open,high,low,close\n2021-03-28 01:00,10,11,9,10\n2021-03-28 02:30,10,11,9,10\n', { tz: 'Europe/Berlin' });
    expect(e.code).toBe('import-failed');
    expect(e.issues[0]).toMatchObject({ line: 3, field: 'time' });
    expect(e.issues[0].message).toContain('does not exist in Europe/Berlin');
  });

  it('an ambiguous local time (fall back) names its line', async () => {
    const e = await failure('time,open,high,low,close\n2021-10-31 01:00,10,11,9,10\n2021-10-31 02:30,10,11,9,10\n', { tz: 'Europe/Berlin' });
    expect(e.issues[0]).toMatchObject({ line: 3, field: 'time' });
    expect(e.issues[0].message).toContain('ambiguous in Europe/Berlin');
  });

  it('a headerless file without --columns asks for them and suggests a mapping', async () => {
    const e = await failure('20200102 09:30,1,2,0.5,1.5,10\n20200102 09:31,1,2,0.5,1.5,10\n');
    expect(e.issues[0]).toMatchObject({ line: 1 });
    expect(e.issues[0].message).toContain('--columns time,open,high,low,close,volume');
  });

  it('day/month order that nothing settles is asked for', async () => {
    const e = await failure('Date,Open,High,Low,Close\n01/02/2020,1,2,0.5,1.5\n02/02/2020,1,2,0.5,1.5\n');
    expect(e.issues[0].message).toContain('--date-order');
  });

  it('the two time columns disagreeing is an error on the checked column', async () => {
    const e = await failure('unix,date,open,high,low,close\n1571302800,2019-10-17 09:00:00,1,2,0.5,1.5\n1571306400,2019-10-17 11:00:00,1,2,0.5,1.5\n');
    expect(e.issues[0]).toMatchObject({ line: 3, field: 'date' });
    expect(e.issues[0].message).toContain('disagree');
  });

  it('empty cells in an otherwise filled volume column stay errors', async () => {
    const e = await failure('time,open,high,low,close,Vol.\n2020-01-01,1,2,0.5,1.5,1.2K\n2020-01-02,1,2,0.5,1.5,-\n');
    expect(e.issues[0]).toMatchObject({ line: 3, field: 'Vol.' });
  });

  it('bad settings are refused before anything is read', async () => {
    const e = await failure('time,open,high,low,close\n2020-01-01,1,2,0.5,1.5\n', { tz: 'Mars/Olympus' });
    expect(e.code).toBe('invalid-arguments');
    expect(e.message).toContain('IANA time zone');
  });
});

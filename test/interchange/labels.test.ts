import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkAgainstBars,
  formatIssue,
  formatTimestamp,
  InterchangeError,
  parseLabelsCsv,
  parseLabelsJson,
  parseTimestamp,
  readLabelsFile,
  serializeLabelsCsv,
  serializeLabelsJson,
  type InterchangeIssue,
  type LabelsDocument,
} from '../../core/interchange/index.ts';
import { createRng } from '../../core/demo/random.ts';

const H = 3_600_000;
const T0 = Date.UTC(2020, 0, 1);

function sampleDoc(): LabelsDocument {
  return {
    version: 1,
    series: [
      { id: 'EURUSD', csv: 'bars/eurusd.csv' },
      { id: 'BTC', csv: null },
    ],
    labelTypes: [{ name: 'up', color: '#26a69a' }, { name: 'down' }],
    windows: [
      {
        id: 'w-0',
        series: 'EURUSD',
        start: T0,
        length: 128,
        spans: [
          { start: T0 + 10 * H, end: T0 + 20 * H, type: 'up', confidence: 0.75 },
          { start: T0 + 40 * H, end: T0 + 45 * H, type: 'down', confidence: null },
        ],
      },
      { id: 'w-1', series: 'EURUSD', start: T0 + 64 * H, length: 128, spans: [] },
      { id: 'w,"odd"', series: 'BTC', start: T0 + 1500, length: 3, spans: [{ start: T0 + 1500, end: T0 + 1500, type: 'up', confidence: 1 }] },
    ],
  };
}

/** Random valid documents from a seeded generator. */
function randomDoc(seed: number): LabelsDocument {
  const rng = createRng(seed);
  const names = ['up', 'down', 'x,y', 'say "hi"', ' spaced ', 'new\nline'];
  const labelTypes = names
    .slice(0, rng.int(1, names.length))
    .map((name) => (rng.chance(0.5) ? { name } : { name, color: `#${rng.int(0, 0xffffff).toString(16)}` }));
  const series = Array.from({ length: rng.int(1, 3) }, (_, i) => ({ id: `s${i}${rng.chance(0.3) ? ',x' : ''}`, csv: rng.chance(0.5) ? `s${i}.csv` : null }));
  const windows: LabelsDocument['windows'] = [];
  const n = rng.int(0, 12);
  for (let i = 0; i < n; i++) {
    const start = T0 + rng.int(-1e6, 1e6) * 1000 + (rng.chance(0.3) ? rng.int(1, 999) : 0);
    const spans: LabelsDocument['windows'][number]['spans'] = [];
    const k = rng.int(0, 3);
    for (let j = 0; j < k; j++) {
      const s = start + rng.int(0, 100) * H;
      spans.push({
        start: s,
        end: s + rng.int(0, 20) * H,
        type: labelTypes[rng.int(0, labelTypes.length - 1)].name,
        confidence: rng.chance(0.3) ? null : rng.chance(0.5) ? 1 : rng.next(),
      });
    }
    windows.push({ id: `w${i}${rng.chance(0.2) ? '"q"' : ''}`, series: series[rng.int(0, series.length - 1)].id, start, length: rng.int(1, 500), spans });
  }
  return { version: 1, series, labelTypes, windows };
}

function issuesOf(fn: () => unknown): InterchangeIssue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InterchangeError);
    return (e as InterchangeError).issues;
  }
  throw new Error('expected an InterchangeError');
}

function jsonWith(mutate: (raw: Record<string, unknown> & { windows: Array<Record<string, unknown>> }) => void): string {
  const raw = JSON.parse(serializeLabelsJson(sampleDoc()));
  mutate(raw);
  return JSON.stringify(raw);
}

describe('timestamps', () => {
  it('reads ISO strings as UTC, epoch seconds and milliseconds', () => {
    const t = Date.UTC(2020, 0, 2, 3, 0, 0);
    expect(parseTimestamp('2020-01-02T03:00:00Z')).toBe(t);
    expect(parseTimestamp('2020-01-02T03:00:00')).toBe(t);
    expect(parseTimestamp('2020-01-02 03:00')).toBe(t);
    expect(parseTimestamp('2020-01-02T05:00:00+02:00')).toBe(t);
    expect(parseTimestamp('2020-01-01T22:00:00-0500')).toBe(t);
    expect(parseTimestamp('2020-01-02T03:00:00.250Z')).toBe(t + 250);
    expect(parseTimestamp(t / 1000)).toBe(t);
    expect(parseTimestamp(t)).toBe(t);
    expect(parseTimestamp(String(t / 1000))).toBe(t);
    expect(parseTimestamp('2020-01-02')).toBe(Date.UTC(2020, 0, 2));
    for (const bad of ['2020-13-01', '2020-02-30', '2020-01-02T24:00', 'yesterday', '', true, null]) expect(parseTimestamp(bad)).toBeNull();
  });

  it('writes ISO UTC with milliseconds only when non-zero', () => {
    expect(formatTimestamp(Date.UTC(2020, 0, 2, 3))).toBe('2020-01-02T03:00:00Z');
    expect(formatTimestamp(Date.UTC(2020, 0, 2))).toBe('2020-01-02T00:00:00Z');
    expect(formatTimestamp(Date.UTC(2020, 0, 2, 3, 0, 0, 250))).toBe('2020-01-02T03:00:00.250Z');
  });

  it('epoch and ISO inputs give the same document', () => {
    const iso = parseLabelsJson(serializeLabelsJson(sampleDoc()), 'a.json');
    const raw = JSON.parse(serializeLabelsJson(sampleDoc()));
    raw.windows[0].start = T0 / 1000; // seconds
    raw.windows[0].spans[0].start = T0 + 10 * H; // ms
    raw.windows[0].spans[0].end = '2020-01-01T20:00:00'; // zone-less
    raw.windows[1].start = '2020-01-03T18:00:00+02:00';
    expect(parseLabelsJson(JSON.stringify(raw), 'b.json')).toEqual(iso);
  });

  it('does not depend on the local time zone', () => {
    const text = JSON.stringify({
      version: 1,
      series: [{ id: 's' }],
      labelTypes: ['up'],
      windows: [{ id: 'w', series: 's', start: '2020-07-01', length: 5, spans: [{ start: '2020-07-01T03:00:00', end: '2020-07-01T04:00', type: 'up' }] }],
    });
    const here = parseLabelsJson(text, 'x.json');
    const modulePath = resolve('core/interchange/labels.ts');
    const code = `const m = await import(${JSON.stringify(modulePath)}); process.stdout.write(JSON.stringify(m.parseLabelsJson(process.argv[1], 'x.json')));`;
    for (const tz of ['America/New_York', 'Asia/Kolkata']) {
      const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, text], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
      expect(out.status, out.stderr).toBe(0);
      expect(JSON.parse(out.stdout)).toEqual(here);
    }
  });
});

describe('JSON form', () => {
  it('round-trips a document losslessly', () => {
    const doc = sampleDoc();
    const text = serializeLabelsJson(doc);
    expect(parseLabelsJson(text, 'labels.json')).toEqual(doc);
    expect(serializeLabelsJson(parseLabelsJson(text, 'labels.json'))).toBe(text);
    expect(text).toContain('"start": "2020-01-01T10:00:00Z"');
    expect(text).toContain('"start": "2020-01-01T00:00:01.500Z"');
    expect(text).toContain('"down"');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('round-trips random documents', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const doc = randomDoc(seed);
      const text = serializeLabelsJson(doc);
      const back = parseLabelsJson(text, 'r.json');
      expect(back).toEqual(doc);
      expect(serializeLabelsJson(back)).toBe(text);
    }
  });

  it('accepts a missing csv and missing confidence and spans', () => {
    const doc = parseLabelsJson(
      JSON.stringify({ version: 1, series: [{ id: 's' }], labelTypes: ['up'], windows: [{ id: 'w', series: 's', start: 0, length: 1 }] }),
      'x.json',
    );
    expect(doc.series[0].csv).toBeNull();
    expect(doc.windows[0].spans).toEqual([]);
  });
});

describe('JSON errors', () => {
  it('rejects a wrong version', () => {
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => (r.version = 2)),
        'labels.json',
      ),
    );
    expect(issues).toHaveLength(1);
    expect(formatIssue(issues[0])).toBe('labels.json: version: expected 1, got 2');
  });

  it('rejects duplicate window ids, naming both windows', () => {
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => (r.windows[1].id = 'w-0')),
        'labels.json',
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'labels.json', window: 'w-0', windowIndex: 1, field: 'id' });
    expect(formatIssue(issues[0])).toBe('labels.json: windows[1] (id "w-0"): id: expected a unique window id, got "w-0" (also windows[0])');
  });

  it('rejects an unknown series', () => {
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => (r.windows[1].series = 'GBPUSD')),
        'labels.json',
      ),
    );
    expect(formatIssue(issues[0])).toBe('labels.json: windows[1] (id "w-1"): series: expected one of the series ids ("EURUSD", "BTC"), got "GBPUSD"');
  });

  it('rejects an unknown span type', () => {
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => ((r.windows[0].spans as Array<Record<string, unknown>>)[1].type = 'sideways')),
        'labels.json',
      ),
    );
    expect(issues[0]).toMatchObject({ window: 'w-0', windowIndex: 0, field: 'spans[1].type' });
    expect(issues[0].message).toBe('expected one of the labelTypes ("up", "down"), got "sideways"');
  });

  it('rejects a span ending before it starts', () => {
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => ((r.windows[0].spans as Array<Record<string, unknown>>)[0].end = '2020-01-01T09:00:00Z')),
        'labels.json',
      ),
    );
    expect(formatIssue(issues[0])).toBe(
      'labels.json: windows[0] (id "w-0"): spans[0].end: expected a timestamp at or after start 2020-01-01T10:00:00Z, got "2020-01-01T09:00:00Z"',
    );
  });

  it('rejects a span starting before its window', () => {
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => ((r.windows[2].spans as Array<Record<string, unknown>>)[0].start = '2020-01-01')),
        'labels.json',
      ),
    );
    expect(issues[0]).toMatchObject({ window: 'w,"odd"', windowIndex: 2, field: 'spans[0].start' });
    expect(issues[0].message).toContain('at or after the window start 2020-01-01T00:00:01.500Z');
  });

  it('rejects a confidence outside [0, 1]', () => {
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => ((r.windows[0].spans as Array<Record<string, unknown>>)[0].confidence = 1.5)),
        'labels.json',
      ),
    );
    expect(formatIssue(issues[0])).toBe('labels.json: windows[0] (id "w-0"): spans[0].confidence: expected a number in [0, 1] or null, got 1.5');
  });

  it('rejects a length that is not a positive integer', () => {
    for (const bad of [0, -3, 2.5]) {
      const issues = issuesOf(() =>
        parseLabelsJson(
          jsonWith((r) => (r.windows[1].length = bad)),
          'labels.json',
        ),
      );
      expect(formatIssue(issues[0])).toBe(`labels.json: windows[1] (id "w-1"): length: expected a positive integer (number of bars), got ${bad}`);
    }
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => (r.windows[1].length = '128')),
        'labels.json',
      ),
    );
    expect(issues[0]).toMatchObject({ field: 'length', message: 'expected a positive integer (number of bars), got "128"' });
  });

  it('rejects bad timestamps, missing and unexpected fields', () => {
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => {
          r.windows[0].start = '2020-02-30';
          delete r.windows[1].series;
          (r.windows[1] as Record<string, unknown>).note = 'x';
        }),
        'labels.json',
      ),
    );
    expect(issues.map(formatIssue)).toEqual([
      'labels.json: windows[0] (id "w-0"): start: expected an ISO-8601 timestamp or epoch number, got "2020-02-30"',
      'labels.json: windows[1] (id "w-1"): series: expected a series id (non-empty string), got nothing (missing)',
      'labels.json: windows[1] (id "w-1"): note: unexpected field (allowed: "id", "series", "start", "length", "spans")',
    ]);
  });

  it('collects every problem, not only the first', () => {
    let error: InterchangeError | null = null;
    try {
      parseLabelsJson(
        jsonWith((r) => {
          r.version = 3;
          r.windows[1].id = 'w-0';
          r.windows[2].length = 0;
          (r.windows[0].spans as Array<Record<string, unknown>>)[0].type = 'flat';
          (r.series as unknown[]).push({ id: 'BTC' });
        }),
        'labels.json',
      );
    } catch (e) {
      error = e as InterchangeError;
    }
    expect(error).not.toBeNull();
    expect(error!.file).toBe('labels.json');
    expect(error!.issues.map((i) => i.field).sort()).toEqual(['id', 'length', 'series[2].id', 'spans[0].type', 'version']);
    expect(error!.message.split('\n')).toHaveLength(5);
  });

  it('reports invalid JSON and a non-object', () => {
    expect(issuesOf(() => parseLabelsJson('{', 'x.json'))[0].message).toMatch(/^expected valid JSON/);
    expect(issuesOf(() => parseLabelsJson('[]', 'x.json'))[0].message).toMatch(/^expected a JSON object/);
  });

  it('rejects duplicate series and label types', () => {
    const issues = issuesOf(() =>
      parseLabelsJson(
        jsonWith((r) => {
          (r.labelTypes as unknown[]).push('up');
        }),
        'labels.json',
      ),
    );
    expect(formatIssue(issues[0])).toBe('labels.json: labelTypes[2]: expected a unique label type name, got "up" (also labelTypes[0])');
  });
});

describe('CSV form', () => {
  it('round-trips a document, keeping windows without spans', () => {
    const doc = sampleDoc();
    const csv = serializeLabelsCsv(doc);
    expect(csv.split('\n')[0]).toBe('window_id,series,window_start,window_length,span_start,span_end,type,confidence');
    expect(csv).toContain('w-1,EURUSD,2020-01-03T16:00:00Z,128,,,,\n');
    expect(csv).toContain('"w,""odd""",BTC,2020-01-01T00:00:01.500Z,3,');
    const back = parseLabelsCsv(csv, 'labels.csv');
    expect(serializeLabelsCsv(back)).toBe(csv);
    // What CSV cannot carry: series csv paths, label-type colours (and unused types / series without windows).
    expect(back.series).toEqual([
      { id: 'EURUSD', csv: null },
      { id: 'BTC', csv: null },
    ]);
    expect(back.labelTypes).toEqual([{ name: 'up' }, { name: 'down' }]);
    expect(back.windows).toEqual(doc.windows);
  });

  it('quotes commas, quotes, line breaks and edge spaces', () => {
    const doc: LabelsDocument = {
      version: 1,
      series: [{ id: 'a,b', csv: null }],
      labelTypes: [{ name: 'x "y"' }, { name: ' pad ' }, { name: 'multi\nline' }],
      windows: [
        {
          id: '"quoted", with comma',
          series: 'a,b',
          start: T0,
          length: 10,
          spans: [
            { start: T0, end: T0 + H, type: 'x "y"', confidence: 0.5 },
            { start: T0 + 2 * H, end: T0 + 3 * H, type: ' pad ', confidence: null },
            { start: T0 + 4 * H, end: T0 + 5 * H, type: 'multi\nline', confidence: 0 },
          ],
        },
      ],
    };
    const csv = serializeLabelsCsv(doc);
    expect(csv).toContain('"""quoted"", with comma","a,b",');
    expect(csv).toContain('"x ""y"""');
    expect(csv).toContain('" pad "');
    const back = parseLabelsCsv(csv, 'q.csv');
    expect(back).toEqual(doc);
    expect(serializeLabelsCsv(back)).toBe(csv);
  });

  it('round-trips random documents and JSON -> CSV -> JSON keeps windows, spans and confidence', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const doc = randomDoc(seed);
      const csv = serializeLabelsCsv(doc);
      const back = parseLabelsCsv(csv, 'r.csv');
      expect(serializeLabelsCsv(back)).toBe(csv);
      expect(back.windows).toEqual(doc.windows);
      const json = parseLabelsJson(serializeLabelsJson(back), 'r.json');
      expect(json.windows).toEqual(doc.windows);
    }
  });

  it('accepts columns in any order, CRLF, a BOM and no confidence column', () => {
    const text =
      '\ufefftype,span_end,span_start,window_length,window_start,series,window_id\r\n' +
      'up,2020-01-01T02:00:00Z,1577840400,5,2020-01-01,s,w\r\n' +
      ',,,5,1577923200000,s,w2\r\n';
    const doc = parseLabelsCsv(text, 'x.csv');
    expect(doc.windows).toEqual([
      { id: 'w', series: 's', start: T0, length: 5, spans: [{ start: T0 + H, end: T0 + 2 * H, type: 'up', confidence: null }] },
      // (a second window at the same position would be refused: see 'two windows at one position')
      { id: 'w2', series: 's', start: T0 + 24 * H, length: 5, spans: [] },
    ]);
  });

  it('errors carry the line, window and column', () => {
    const text = [
      'window_id,series,window_start,window_length,span_start,span_end,type,confidence',
      'w-1,s,2020-01-01T00:00:00Z,10,2020-01-01T01:00:00Z,2020-01-01T03:00:00Z,up,0.5',
      'w-1,s,2020-01-01T00:00:00Z,10,2020-01-01T05:00:00Z,2020-01-01T04:00:00Z,up,',
      'w-2,s,2020-01-02T00:00:00Z,0,,,,',
      'w-1,s,2020-01-01T00:00:00Z,12,,,,',
      '"w,3",s,2020-01-03,10,2020-01-03T01:00:00Z,2020-01-03T01:00:00Z,down,2',
      ',s,2020-01-03,10,,,,',
    ].join('\n');
    const issues = issuesOf(() => parseLabelsCsv(text, 'labels.csv'));
    expect(issues.map(formatIssue)).toEqual([
      'labels.csv:3: windows[0] (id "w-1"): span_end: expected a timestamp at or after start 2020-01-01T05:00:00Z, got "2020-01-01T04:00:00Z"',
      'labels.csv:4: windows[1] (id "w-2"): window_length: expected a positive integer (number of bars), got "0"',
      'labels.csv:5: windows[0] (id "w-1"): window_length: expected the same value as line 2 where window "w-1" first appears ("10"; window ids must be unique), got "12"',
      'labels.csv:6: windows[2] (id "w,3"): confidence: expected a number in [0, 1] or null, got 2',
      'labels.csv:7: window_id: expected a non-empty string, got ""',
    ]);
  });

  it('reports a bad header and unparseable CSV', () => {
    const issues = issuesOf(() => parseLabelsCsv('window_id,series,start,window_length,span_start,span_end,type\n', 'h.csv'));
    expect(issues.map(formatIssue)).toEqual([
      'h.csv:1: start: unexpected column (expected the header window_id,series,window_start,window_length,span_start,span_end,type,confidence)',
      'h.csv:1: window_start: expected this column in the header, it is missing',
    ]);
    expect(issuesOf(() => parseLabelsCsv('', 'e.csv'))[0].message).toMatch(/^expected a header line/);
    const bad = issuesOf(() => parseLabelsCsv('window_id,series\n"w,s\n', 'b.csv'));
    expect(bad[0].message).toMatch(/^expected valid CSV/);
  });

  it('reports the starting line of a record with a quoted line break', () => {
    const text = [
      'window_id,series,window_start,window_length,span_start,span_end,type,confidence',
      '"multi',
      'line",s,2020-01-01,10,,,,',
      'w,s,2020-01-01,-1,,,,',
    ].join('\n');
    const issues = issuesOf(() => parseLabelsCsv(text, 'm.csv'));
    expect(issues).toHaveLength(1);
    expect(issues[0].line).toBe(4);
  });
});

describe('readLabelsFile', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('reads .json and .csv by extension and resolves series csv paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'candlemark-interchange-'));
    dirs.push(dir);
    const doc = sampleDoc();
    doc.series[1].csv = '/abs/btc.csv';
    await writeFile(join(dir, 'labels.json'), serializeLabelsJson(doc));
    await writeFile(join(dir, 'LABELS.CSV'), serializeLabelsCsv(doc));
    const fromJson = await readLabelsFile(join(dir, 'labels.json'));
    expect(fromJson.series).toEqual([
      { id: 'EURUSD', csv: join(dir, 'bars', 'eurusd.csv') },
      { id: 'BTC', csv: '/abs/btc.csv' },
    ]);
    expect(fromJson.windows).toEqual(doc.windows);
    const fromCsv = await readLabelsFile(join(dir, 'LABELS.CSV'));
    expect(fromCsv.windows).toEqual(doc.windows);
    await expect(readLabelsFile(join(dir, 'labels.txt'))).rejects.toThrow(/expected a file name ending in \.json or \.csv/);
    await writeFile(join(dir, 'bad.json'), '{"version":2,"series":[],"labelTypes":[],"windows":[]}');
    await expect(readLabelsFile(join(dir, 'bad.json'))).rejects.toThrow(`${join(dir, 'bad.json')}: version: expected 1, got 2`);
  });
});

describe('checkAgainstBars', () => {
  const times = Float64Array.from({ length: 300 }, (_, i) => T0 + i * H);

  it('accepts labels on bars inside their windows', () => {
    const doc = sampleDoc();
    doc.windows = doc.windows.slice(0, 2);
    expect(checkAgainstBars(doc, new Map([['EURUSD', times]]), 'labels.json')).toEqual([]);
  });

  it('reports starts and spans off the bars, spans outside the window, windows past the end', () => {
    const doc = sampleDoc();
    doc.windows[0].spans[0].end = T0 + 200 * H; // a bar, but past the window (last bar 127)
    doc.windows[0].spans[1].start = T0 + 40 * H + 1000; // not a bar
    doc.windows[1].start = T0 + 250 * H; // 50 bars left, length 128
    const issues = checkAgainstBars(doc, new Map([['EURUSD', times]]), 'labels.json');
    expect(issues.map(formatIssue)).toEqual([
      'labels.json: windows[0] (id "w-0"): spans[0].end: expected a timestamp at or before the window\'s last bar 2020-01-06T07:00:00Z, got 2020-01-09T08:00:00Z',
      'labels.json: windows[0] (id "w-0"): spans[1].start: expected the time of a bar of series "EURUSD", got 2020-01-02T16:00:01Z (nearest bars 2020-01-02T16:00:00Z and 2020-01-02T17:00:00Z)',
      'labels.json: windows[1] (id "w-1"): length: expected at most 50 (bars in series "EURUSD" from the window start), got 128',
      'labels.json: windows[2] (id "w,\\"odd\\""): series: expected a series with bars, got "BTC" for which no bars were given',
    ]);
  });

  it('reports a window start that is not a bar', () => {
    const doc = sampleDoc();
    doc.windows = [{ ...doc.windows[1], start: T0 - H, spans: [] }];
    const issues = checkAgainstBars(doc, new Map([['EURUSD', times]]));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ window: 'w-1', windowIndex: 0, field: 'start' });
    expect(issues[0].message).toContain('nearest bar 2020-01-01T00:00:00Z');
  });
});

describe('two windows at one position', () => {
  // The store keys windows by series, start and length: the second would silently replace the first's spans.
  it('JSON: refused, naming both windows', () => {
    const text = jsonWith((r) => {
      r.windows[1].start = r.windows[0].start;
    });
    const issues = issuesOf(() => parseLabelsJson(text, 'labels.json'));
    expect(issues.map(formatIssue)).toEqual([
      'labels.json: windows[1] (id "w-1"): start: expected one window per position, got the same series "EURUSD", start "2020-01-01T00:00:00Z" and length 128 as windows[0] (id "w-0") (merge their spans into one window)',
    ]);
  });

  it('CSV: refused, naming both ids and lines; the same start written another way is the same position', () => {
    const text = [
      'window_id,series,window_start,window_length,span_start,span_end,type,confidence',
      'a,s,2020-01-01T00:00:00Z,10,2020-01-01T01:00:00Z,2020-01-01T03:00:00Z,up,0.5',
      'b,s,2020-01-02T00:00:00Z,10,,,,',
      'c,s,1577836800000,10,2020-01-01T02:00:00Z,2020-01-01T04:00:00Z,down,',
      'c,s,1577836800000,10,2020-01-01T05:00:00Z,2020-01-01T06:00:00Z,down,',
      'd,s,2020-01-01T00:00:00Z,12,,,,',
    ].join('\n');
    const issues = issuesOf(() => parseLabelsCsv(text, 'labels.csv'));
    expect(issues.map(formatIssue)).toEqual([
      'labels.csv:4: windows[2] (id "c"): window_start: expected one window per position, got the same series "s", start "1577836800000" and length 10 as window "a" at line 2 (merge their spans into one window)',
    ]);
  });

  it('over the service: import-failed, nothing written', async () => {
    const { CandlemarkService } = await import('../../core/service/service.ts');
    const { projectFingerprint, tempDir } = await import('../helpers/paths.ts');
    const file = join(tempDir(), 'p.candlemark');
    const service = CandlemarkService.open(file, { create: true });
    try {
      await service.call('demo.create', { seed: 4, bars: 600 });
      const exported = await service.call('labels.exportText', { format: 'json' });
      const doc = JSON.parse(exported.text) as { windows: Array<{ id: string }> };
      doc.windows.push({ ...doc.windows[0], id: 'copy-of-first' });
      const before = projectFingerprint(file);
      const err = await service.call('labels.importText', { fileName: 'dup.json', text: JSON.stringify(doc) }).then(
        () => null,
        (e: unknown) => e as { code: string; issues: InterchangeIssue[] },
      );
      expect(err?.code).toBe('import-failed');
      expect(err?.issues.map(formatIssue)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^dup\\.json: windows\\[${doc.windows.length - 1}\\] \\(id "copy-of-first"\\): start: expected one window per position, .* as windows\\[0\\] \\(id "${doc.windows[0].id}"\\)`,
          ),
        ),
      ]);
      expect(projectFingerprint(file)).toBe(before);
    } finally {
      service.close();
    }
  });
});

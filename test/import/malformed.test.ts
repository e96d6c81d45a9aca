// Every file in fixtures/malformed must fail with exactly the listed (line, field) issues, each message
// containing the listed text. The table is the sidecar expectation for the corpus; a fixture without a
// row here fails the "every fixture has an expectation" test.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OhlcvImportError, parseOhlcvCsv, readOhlcvCsvFile } from '../../core/import/index.ts';
import type { ImportIssue } from '../../core/import/index.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/malformed');

/** [line, field, text the message must contain] */
type Expected = [number | null, string | null, string];

const EXPECTED: Record<string, Expected[]> = {
  'empty.csv': [[null, null, 'empty file']],
  'blank-lines-only.csv': [[null, null, 'empty file']],
  'header-only.csv': [[1, null, 'header only']],
  'missing-time-misspelt.csv': [[1, 'time', '"Tme" may be a misspelling of time']],
  'missing-close.csv': [[1, 'close', 'missing required column close']],
  'missing-several.csv': [
    [1, 'open', 'missing required column open'],
    [1, 'high', 'missing required column high'],
    [1, 'low', 'missing required column low'],
    [1, 'close', 'unknown columns in the header: "price"'],
  ],
  'duplicate-close.csv': [[1, 'c', '"c" (column 6) and "close" (column 5) both mean close']],
  'non-numeric-price.csv': [[3, 'open', 'expected a number for open, found "abc"']],
  'missing-price.csv': [[4, 'close', 'missing close: expected a number, found an empty cell']],
  'zero-price.csv': [[3, 'low', 'expected a price > 0, found 0']],
  'negative-price.csv': [[2, 'open', 'expected a price > 0, found -10']],
  'high-below-low.csv': [[3, 'high', 'expected high >= low, found high 9 < low 10']],
  'high-below-open.csv': [[3, 'high', 'expected high >= max(open, close), found high 12 < open 12.5']],
  'high-below-close.csv': [[4, 'high', 'found high 11.5 < close 11.9']],
  'low-above-open.csv': [[3, 'low', 'expected low <= min(open, close), found low 10.7 > open 10.5']],
  'low-above-close.csv': [[3, 'low', 'found low 10.2 > close 10.1']],
  'negative-volume.csv': [[3, 'volume', 'expected volume >= 0, found -5']],
  'empty-volume.csv': [[3, 'volume', 'missing volume']],
  'nan-price.csv': [[3, 'close', 'expected a finite number for close, found "NaN"']],
  'infinity-price.csv': [[2, 'high', 'expected a finite number for high, found "Infinity"']],
  'hex-price.csv': [[3, 'open', 'found "0x0A"']],
  'unparseable-time.csv': [[3, 'time', 'found "yesterday"']],
  'impossible-date.csv': [[3, 'time', 'found "2021-02-30"']],
  'missing-time.csv': [[3, 'time', 'found an empty cell']],
  'duplicate-timestamp.csv': [[4, 'time', 'duplicate timestamp: "2020-01-02" is the same time as line 3']],
  'decreasing-timestamp.csv': [[4, 'time', 'decreasing timestamp: "2019-12-31" is earlier than line 3']],
  'wrong-field-count.csv': [
    [3, null, 'expected 6 fields (as in the header), found 5'],
    [5, null, 'expected 6 fields (as in the header), found 7'],
  ],
  'trailing-footer.csv': [[4, null, 'expected 6 fields (as in the header), found 1']],
  'seconds-in-ms-file.csv': [[4, 'time', 'looks like seconds']],
  'iso-in-epoch-file.csv': [[3, 'time', 'ISO time in a file of epoch numbers']],
  'two-problems.csv': [
    [2, 'open', 'found "x"'],
    [5, 'high', 'found high 10 < low 10.1'],
  ],
  'many-problems.csv': [
    [3, 'time', 'duplicate timestamp'],
    [3, 'volume', 'found -1'],
    [4, 'open', 'missing open'],
    [5, 'time', 'found "2020-01-04T25:00"'],
    [6, 'volume', 'found "lots"'],
    [6, 'high', 'found high 11.2 < low 11.5'],
  ],
  'unclosed-quote.csv': [[3, null, 'expected a closing quote']],
  'quoted-multiline-then-error.csv': [[4, 'high', 'found high 9 < low 10']],
  'semicolon-thousands.csv': [
    [2, 'open', 'found "1.234,5"'],
    [2, 'high', 'found "1.240,0"'],
    [2, 'low', 'found "1.230,0"'],
    [2, 'close', 'found "1.235,0"'],
  ],
  'crlf-errors.csv': [[3, 'close', 'found "abc"']],
  'blank-lines-then-error.csv': [[6, 'close', 'found "oops"']],
};

async function issuesOf(file: string): Promise<OhlcvImportError> {
  try {
    await readOhlcvCsvFile(file);
  } catch (e) {
    if (e instanceof OhlcvImportError) return e;
    throw e;
  }
  throw new Error(`${file} imported without error`);
}

const key = (i: ImportIssue | Expected) => (Array.isArray(i) ? `${i[0]}|${i[1]}` : `${i.line}|${i.field}`);

describe('malformed corpus', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();

  it('has at least 25 files, each with an expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(files.filter((f) => !(f in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
  });

  for (const name of Object.keys(EXPECTED)) {
    it(name, async () => {
      const file = path.join(dir, name);
      const err = await issuesOf(file);
      const expected = EXPECTED[name];
      expect(err.file).toBe(file);
      expect(err.totalIssues).toBe(expected.length);
      expect(err.issues.map(key).sort()).toEqual(expected.map(key).sort());
      for (const [line, field, text] of expected) {
        const issue = err.issues.find((i) => i.line === line && i.field === field && i.message.includes(text));
        expect(issue, `${name}: line ${line} ${field} should mention ${JSON.stringify(text)}; got ${err.message}`).toBeDefined();
        expect(issue?.file).toBe(file);
        // The summary names every issue as file:line: field: message.
        const where = line === null ? file : `${file}:${line}`;
        expect(err.message).toContain(field === null ? `${where}: ` : `${where}: ${field}: `);
      }
    });
  }
});

describe('issue cap', () => {
  it('keeps the first 1000 issues in line order and counts the rest', () => {
    const rows = ['time,open,high,low,close'];
    for (let i = 0; i < 1500; i++) rows.push(`${1577836800 + i * 60},x,11,9,10`);
    let err: OhlcvImportError | null = null;
    try {
      parseOhlcvCsv(rows.join('\n'), 'cap.csv');
    } catch (e) {
      err = e as OhlcvImportError;
    }
    expect(err).toBeInstanceOf(OhlcvImportError);
    expect(err?.issues).toHaveLength(1000);
    expect(err?.totalIssues).toBe(1500);
    expect(err?.issues[0]).toMatchObject({ file: 'cap.csv', line: 2, field: 'open' });
    expect(err?.issues[999].line).toBe(1001);
    expect(err?.message).toContain('... and 500 more problems (1500 in total)');
  });

  it('merges ordering and value issues in line order under the cap', () => {
    // Every other row goes back in time and every row has a bad open: 1500 + 750 issues.
    const rows = ['time,open,high,low,close'];
    for (let i = 0; i < 1500; i++) rows.push(`${1577836800 + (i % 2 === 0 ? i : i - 10) * 60},x,11,9,10`);
    let err: OhlcvImportError | null = null;
    try {
      parseOhlcvCsv(rows.join('\n'), 'cap2.csv');
    } catch (e) {
      err = e as OhlcvImportError;
    }
    expect(err?.totalIssues).toBe(1500 + 750);
    expect(err?.issues).toHaveLength(1000);
    const lines = err?.issues.map((i) => i.line ?? 0) ?? [];
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(err?.issues.some((i) => i.message.startsWith('decreasing timestamp'))).toBe(true);
  });
});

describe('unreadable file', () => {
  it('reports a missing file as an import issue', async () => {
    const err = await issuesOf(path.join(dir, 'does-not-exist.csv'));
    expect(err.issues[0]).toMatchObject({ line: null, field: null });
    expect(err.issues[0].message).toMatch(/cannot read file: ENOENT/);
  });
});

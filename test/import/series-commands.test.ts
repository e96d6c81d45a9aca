/**
 * The series commands of issue 13 on real files and real projects: `candlemark import` with
 * settings and `candlemark series export` / `series resample` as a user runs them (one process
 * each), series.preview before anything is written, series.cancelImport, and resampling sums.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError } from '../../core/service/errors.ts';
import { resampleBars } from '../../core/import/index.ts';
import { REPO_ROOT, SHARED_DATA, projectFingerprint, tempDir } from '../helpers/paths.ts';
import { unzipFirst } from './unzip.ts';

function cli(...args: string[]) {
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/candlemark.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('candlemark import with settings, series export and resample', () => {
  it('imports the LEAN CSV with --columns and --price-scale, prints the detection, exports and resamples', () => {
    const dir = tempDir();
    const csv = path.join(dir, 'spy.csv');
    fs.writeFileSync(csv, unzipFirst(path.join(SHARED_DATA, 'raw/lean_equity_usa_daily_spy.zip')).data);
    const project = path.join(dir, 'p.candlemark');
    const imp = cli('import', csv, '--columns', 'time,open,high,low,close,volume', '--price-scale', '0.0001', '--project', project);
    expect(imp.stderr).toBe(`candlemark: created a new project ${project}\n`);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('imported series "spy": 5849 bars');
    expect(imp.stdout).toContain('no header');
    expect(imp.stdout).toContain('time YYYYMMDD HH:mm');
    const out = path.join(dir, 'out.csv');
    const exp = cli('series', 'export', 'spy', out, '--project', project);
    expect(exp.code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('time,open,high,low,close,volume');
    expect(lines[1]).toBe('1998-01-02T00:00:00Z,97.31,97.53,96.53,97.36,2150000');
    expect(lines).toHaveLength(5850);
    // The exported file imports back to the same bars.
    const back = cli('import', out, '--series', 'spy2', '--json', '--project', project);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout.trim().split('\n').pop()!).series.barCount).toBe(5849);
    // Daily bars cannot be resampled to 1h: a clear error, exit 1, nothing written.
    const before = projectFingerprint(project);
    const bad = cli('series', 'resample', 'spy', '--to', '1h', '--as', 'x', '--project', project);
    expect(bad.code).toBe(5); // invalid-operation (core/service/error-status.ts)
    expect(bad.stderr).toContain('already at 1h or coarser');
    expect(projectFingerprint(project)).toBe(before);
  });

  it('a bad option value is a usage error naming the option', () => {
    const dir = tempDir();
    const r = cli('import', path.join(SHARED_DATA, 'spy_1d.csv'), '--date-order', 'dym', '--project', path.join(dir, 'p.candlemark'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--date-order: expected dmy, mdy or ymd');
  });
});

describe('series.resample', () => {
  it('aggregates hourly bars into 4h UTC buckets and session days', async () => {
    const dir = tempDir();
    const s = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true });
    try {
      await s.call('series.import', { path: path.join(SHARED_DATA, 'raw/FOREX_EURUSD_1H_ASK.csv'), seriesId: 'eur' });
      const src = await s.call('bars.read', { seriesId: 'eur', from: 0, count: 200_000 });
      const r = await s.call('series.resample', { seriesId: 'eur', to: '4h', as: 'eur4h' });
      const b = await s.call('bars.read', { seriesId: 'eur4h', from: 0, count: 200_000 });
      expect(r.series.barCount).toBe(b.time.length);
      // First bucket: 2017-01-01 20:00–24:00 UTC holds the 22:00 and 23:00 bars.
      expect(new Date(b.time[0]).toISOString()).toBe('2017-01-01T20:00:00.000Z');
      expect(b.open[0]).toBe(src.open[0]);
      expect(b.close[0]).toBe(src.close[1]);
      expect(b.high[0]).toBe(Math.max(src.high[0], src.high[1]));
      expect(b.volume![0]).toBeCloseTo(src.volume![0] + src.volume![1], 3);
      // Volume is conserved, bar count shrinks.
      const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
      expect(sum(b.volume!)).toBeCloseTo(sum(src.volume!), 0);
      // Session days in New York: Sunday 17:00 EST (22:00 UTC) opens, so the first bars belong to Sunday Jan 1 local.
      const d = await s.call('series.resample', { seriesId: 'eur', to: '1d', as: 'eur1d', sessionTz: 'America/New_York' });
      const db = await s.call('bars.read', { seriesId: 'eur1d', from: 0, count: 10 });
      expect(new Date(db.time[0]).toISOString()).toBe('2017-01-01T00:00:00.000Z');
      expect(d.series.barCount).toBeLessThan(r.series.barCount);
      await expect(s.call('series.resample', { seriesId: 'eur', to: '4h', as: 'eur4h' })).rejects.toThrow(/already exists/);
    } finally {
      s.close();
    }
  });

  it('resampleBars keeps OHLC relations and a missing volume stays missing', () => {
    const t0 = Date.UTC(2020, 0, 1);
    const bars = {
      time: Float64Array.from([0, 1, 2, 3, 4].map((i) => t0 + i * 3_600_000)),
      open: Float64Array.from([1, 2, 3, 4, 5]),
      high: Float64Array.from([2, 5, 4, 6, 6]),
      low: Float64Array.from([0.5, 1, 2, 3, 4]),
      close: Float64Array.from([2, 3, 4, 5, 5.5]),
      volume: null,
    };
    const out = resampleBars(bars, '4h');
    expect(Array.from(out.time)).toEqual([t0, t0 + 4 * 3_600_000]);
    expect(Array.from(out.open)).toEqual([1, 5]);
    expect(Array.from(out.high)).toEqual([6, 6]);
    expect(Array.from(out.low)).toEqual([0.5, 4]);
    expect(Array.from(out.close)).toEqual([5, 5.5]);
    expect(out.volume).toBeNull();
  });
});

describe('series.preview and series.cancelImport', () => {
  it('previews a headerless file: asks for columns, then shows bars once given; nothing is written', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'p.candlemark');
    const s = CandlemarkService.open(file, { create: true });
    try {
      const text = '20200102 09:30,1,2,0.5,1.5,10\n20200102 09:31,1.5,2,1,1.8,12\n';
      const before = projectFingerprint(file);
      const p1 = await s.call('series.preview', { fileName: 'lean.csv', text });
      expect(p1.ok).toBe(false);
      expect(p1.detected?.header).toBe(false);
      expect(p1.issues[0].message).toContain('--columns');
      expect(p1.table[0]).toEqual(['20200102 09:30', '1', '2', '0.5', '1.5', '10']);
      const p2 = await s.call('series.preview', { fileName: 'lean.csv', text, settings: { columns: ['time', 'open', 'high', 'low', 'close', 'volume'] } });
      expect(p2.ok).toBe(true);
      expect(p2.bars.close).toEqual([1.5, 1.8]);
      expect(p2.detected?.timeFormat).toBe('YYYYMMDD HH:mm');
      expect(projectFingerprint(file)).toBe(before);
    } finally {
      s.close();
    }
  });

  it('cancelling a large import halfway writes nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'p.candlemark');
    const s = CandlemarkService.open(file, { create: true });
    try {
      const rows = ['time,open,high,low,close,volume'];
      for (let i = 0; i < 200_000; i++) rows.push(`${1577836800 + i * 60},1,2,0.5,1.5,${i}`);
      const before = projectFingerprint(file);
      let cancelled = false;
      const off = s.events.on('progress', (p) => {
        if (!cancelled && p.task === 'import' && p.fraction > 0.1) {
          cancelled = true;
          void s.call('series.cancelImport', { importId: 'big' });
        }
      });
      const err = await s.call('series.importText', { fileName: 'big.csv', text: rows.join('\n'), importId: 'big' }).catch((e: unknown) => e);
      off();
      expect(err).toBeInstanceOf(CandlemarkError);
      expect((err as CandlemarkError).code).toBe('cancelled');
      expect(await s.call('series.list', {})).toEqual([]);
      expect(projectFingerprint(file)).toBe(before);
    } finally {
      s.close();
    }
  });

  it('a cancel that overtakes its import (still uploading) cancels it when it arrives; a cancel after the end says so', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'p.candlemark');
    const s = CandlemarkService.open(file, { create: true });
    try {
      const text = 'time,open,high,low,close\n2020-01-02,1,2,0.5,1.5\n2020-01-03,1.5,2,1,1.8\n';
      const before = projectFingerprint(file);
      // The cancel comes first: the service keeps it.
      expect(await s.call('series.cancelImport', { importId: 'early' })).toEqual({ cancelled: true });
      const err = await s.call('series.importText', { fileName: 'early.csv', text, importId: 'early' }).catch((e: unknown) => e);
      expect((err as CandlemarkError).code).toBe('cancelled');
      expect(await s.call('series.list', {})).toEqual([]);
      expect(projectFingerprint(file)).toBe(before);
      // An import that ended is not cancelled by a late cancel, and the answer says so.
      const ok = await s.call('series.importText', { fileName: 'late.csv', text, importId: 'late' });
      expect(ok.series.barCount).toBe(2);
      expect(await s.call('series.cancelImport', { importId: 'late' })).toEqual({ cancelled: false });
      expect((await s.call('series.list', {})).map((r) => r.id)).toEqual(['late']);
    } finally {
      s.close();
    }
  });
});

/**
 * The long-run plot: per-epoch validation span F1 of each run recorded by bench/long-run.ts
 * (--out FILE.json), one panel per data set × head, one line per setting × seed, as a standalone
 * SVG (docs/img/long-run.svg, linked from docs/BENCHMARKS.md). A marker shows where the last 50
 * epochs (the window of the issue's ≤ 0.03 goal) begin; dashed lines are even seeds.
 *
 *   node --import tsx bench/long-run-plot.ts --in a.json,b.json --svg docs/img/long-run.svg [--json merged.json] [--measure run]
 *   (--measure run: the soft head as a run reports it, at the threshold chosen on train each epoch, where recorded)
 *
 * Also prints the runs as a Markdown table (docs/BENCHMARKS.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapeXml, lineChart } from '../core/ml/eval/svg-plot.ts';

export interface LongRunRecord {
  data: string;
  head: 'soft' | 'crf';
  seed: number;
  setting: string;
  epochs: number;
  /** Validation span F1 per epoch (index 0 = epoch 1). */
  f1: number[];
  best: number;
  bestAt: number;
  drop: number;
  /** The same as a run reports it (soft head at the threshold chosen on train; CRF = f1); absent in older files. */
  f1Run?: number[];
  runBest?: number;
  runBestAt?: number;
  runDrop?: number;
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#db2777'];

/** Panels stacked two per row in one SVG document (the charts themselves are core's lineChart). */
export function longRunSvg(records: LongRunRecord[]): string {
  const groups = new Map<string, LongRunRecord[]>();
  for (const r of records) {
    const k = `${r.data} — ${r.head}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const settings = [...new Set(records.map((r) => r.setting))];
  const W = 560;
  const H = 300;
  const panels = [...groups.entries()].map(([title, rs]) => {
    const epochs = Math.max(...rs.map((r) => r.f1.length));
    return lineChart({
      title: `Validation span F1 per epoch — ${title}`,
      x: Array.from({ length: epochs }, (_, i) => i + 1),
      series: rs.map((r) => ({
        name: `${r.setting} s${r.seed} (drop ${r.drop.toFixed(3)})`,
        color: COLORS[settings.indexOf(r.setting) % COLORS.length],
        dashed: r.seed % 2 === 0,
        dots: false,
        values: r.f1,
      })),
      xLabel: 'epoch',
      yLabel: 'span F1',
      integerX: true,
      markers: epochs > 50 ? [{ x: epochs - 50 + 1, label: 'last 50', color: '#64748b' }] : [],
      width: W,
      height: H,
    });
  });
  const cols = 2;
  const rows = Math.ceil(panels.length / cols);
  // lineChart keeps its title in <title> (a tooltip); the stacked page needs it visible.
  const HEAD = 22;
  const titles = [...groups.keys()];
  const body = panels
    .map((p, i) => {
      const x = (i % cols) * W;
      const y = Math.floor(i / cols) * (H + HEAD);
      return `<text x="${x + 12}" y="${y + 16}" font-family="sans-serif" font-size="13" font-weight="600" fill="#0f172a">${escapeXml(`Validation span F1 per epoch — ${titles[i]}`)}</text><g transform="translate(${x},${y + HEAD})">${p}</g>`;
    })
    .join('');
  const w = cols * W;
  const h = rows * (H + HEAD);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#ffffff"/>${body}</svg>\n`;
}

/** Largest drop below the running best over the last `last` epochs (the issue's measure). */
export function lastDrop(f1: readonly number[], last = 50): { best: number; bestAt: number; drop: number } {
  let best = -1;
  let bestAt = 0;
  let drop = 0;
  f1.forEach((v, i) => {
    if (v > best) {
      best = v;
      bestAt = i + 1;
    }
    if (i >= f1.length - last) drop = Math.max(drop, best - v);
  });
  return { best, bestAt, drop };
}

/** Trailing mean over `k` epochs (separates a trend from epoch-to-epoch counting noise). */
export function trailingMean(f1: readonly number[], k = 5): number[] {
  return f1.map((_, i) => {
    const w = f1.slice(Math.max(0, i - k + 1), i + 1);
    return w.reduce((s, v) => s + v, 0) / w.length;
  });
}

/** Markdown table of the recorded runs: the issue's drop, the same on a 5-epoch trailing mean, the last-50 mean. */
export function longRunTable(records: LongRunRecord[]): string {
  const rows = records.map((r) => {
    const raw = lastDrop(r.f1);
    const smooth = lastDrop(trailingMean(r.f1));
    const tail = r.f1.slice(-50);
    const mean50 = tail.reduce((s, v) => s + v, 0) / tail.length;
    return `| ${r.data} | ${r.head} | ${r.setting} | ${r.seed} | ${raw.best.toFixed(3)} (${raw.bestAt}) | ${raw.drop.toFixed(3)}${raw.drop > 0.03 ? ' ✗' : ' ✓'} | ${smooth.drop.toFixed(3)} | ${mean50.toFixed(3)} | ${r.f1[r.f1.length - 1].toFixed(3)} |`;
  });
  return [
    '| data (train/val windows) | head | setting | seed | best val span F1 (epoch) | drop, last 50 (goal ≤ 0.03) | drop on 5-epoch mean | mean, last 50 | final |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('long-run-plot.ts')) {
  const a = process.argv.slice(2);
  const get = (k: string): string | undefined => {
    const i = a.indexOf(`--${k}`);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const inputs = (get('in') ?? '').split(',').filter(Boolean);
  const out = get('svg') ?? 'docs/img/long-run.svg';
  if (inputs.length === 0) throw new Error('--in a.json[,b.json] is required');
  // --measure run: the soft head as a run reports it (threshold chosen on train each epoch), where recorded.
  const asReported = get('measure') === 'run';
  const records = inputs
    .flatMap((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as LongRunRecord[])
    .map((r) => (asReported && r.f1Run ? { ...r, f1: r.f1Run, ...lastDrop(r.f1Run) } : r));
  const key = (r: LongRunRecord) => `${r.data}|${r.head}|${r.setting}|${String(r.seed).padStart(4, '0')}`;
  records.sort((x, y) => key(x).localeCompare(key(y)));
  if (get('json')) fs.writeFileSync(get('json')!, JSON.stringify(records));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, longRunSvg(records));
  console.log(`wrote ${out} (${records.length} runs)`);
  console.log(longRunTable(records));
}

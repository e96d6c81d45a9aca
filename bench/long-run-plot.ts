/**
 * The long-run plot: per-epoch validation span F1 of each run recorded by bench/long-run.ts
 * (--out FILE.json), one panel per data set × head, one line per setting × seed, as a standalone
 * SVG (docs/img/long-run.svg, linked from docs/BENCHMARKS.md). A marker shows where the last 50
 * epochs (the window of the issue's ≤ 0.03 goal) begin; dashed lines are even seeds.
 *
 *   node --import tsx bench/long-run-plot.ts --in a.json,b.json --svg docs/img/long-run.svg
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

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('long-run-plot.ts')) {
  const a = process.argv.slice(2);
  const get = (k: string): string | undefined => {
    const i = a.indexOf(`--${k}`);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const inputs = (get('in') ?? '').split(',').filter(Boolean);
  const out = get('svg') ?? 'docs/img/long-run.svg';
  if (inputs.length === 0) throw new Error('--in a.json[,b.json] is required');
  const records = inputs.flatMap((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as LongRunRecord[]);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, longRunSvg(records));
  console.log(`wrote ${out} (${records.length} runs)`);
}

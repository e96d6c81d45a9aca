/**
 * Plot of bench/active-learning.ts results: span F1 on the fixed test block against labelled
 * windows, one line per order, the 95 % target dashed. Reads one or more `--json` output lines
 * (files), writes one SVG (no dependencies: a handful of polylines).
 *
 *   npx tsx bench/active-learning-plot.ts OUT.svg PANEL [PANEL …] [--title "…" per panel]
 *
 * Several panels, side by side (e.g. the soft and the CRF runs). A panel is one result file, or
 * several joined by '+' (invocations of the same protocol with --repeat-offset): their curves and
 * all-labels F1 are averaged weighted by repeats (allLabelsF1PerRepeat's length, or FILE:N for
 * results written before that field existed); an order missing from a file is averaged over the
 * files that have it, up to the shortest of its curves. --orders a,b,… draws only those orders.
 * FILE! marks a file whose all-labels runs repeat another joined file's (the same repeats, so the
 * same seeds and F1): its curves count, its all-labels F1 does not (it would be counted twice).
 * --table also prints each panel's merged curves as a Markdown table, with the labels needed (the
 * first point of the merged curve at or above 95 % of the merged all-labels F1) and the ratio to random.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { title: { type: 'string', multiple: true }, orders: { type: 'string' }, table: { type: 'boolean', default: false } },
});
const [out, ...inputs] = positionals;
if (!out || inputs.length === 0) throw new Error('usage: active-learning-plot.ts OUT.svg RESULT.json [RESULT.json …] [--title "…" per file]');

interface Result {
  curves: Record<string, Array<{ labelled: number; f1: number }>>;
  target: number;
  allLabelsF1: number;
  budget: number;
}
const COLORS: Record<string, string> = {
  queue: '#1f77b4',
  uncertainty: '#ff7f0e',
  density: '#8c564b',
  candidates: '#9467bd',
  positives: '#e377c2',
  disagreement: '#17becf',
  path: '#bcbd22',
  random: '#2ca02c',
  chronological: '#7f7f7f',
};
const W = 420;
const H = 300;
const M = { l: 44, r: 12, t: 28, b: 36 };
const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function panel(r: Result, title: string, dx: number): string {
  const xs = Object.values(r.curves).flatMap((c) => c.map((p) => p.labelled));
  const xMax = Math.max(...xs);
  const x = (v: number) => dx + M.l + (v / xMax) * (W - M.l - M.r);
  const y = (v: number) => M.t + (1 - v) * (H - M.t - M.b);
  const parts: string[] = [`<text x="${dx + M.l}" y="16" font-size="12" font-weight="bold">${esc(title)}</text>`];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`,
      `<text x="${dx + M.l - 6}" y="${y(t) + 4}" font-size="10" text-anchor="end">${t}</text>`,
    );
  }
  for (const v of [...new Set(xs)].sort((a, b) => a - b)) parts.push(`<text x="${x(v)}" y="${H - M.b + 14}" font-size="10" text-anchor="middle">${v}</text>`);
  parts.push(`<text x="${dx + (W + M.l) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">labelled windows</text>`);
  parts.push(`<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(r.target)}" y2="${y(r.target)}" stroke="#d62728" stroke-dasharray="4 3"/>`);
  // Left end, above the line: early points sit below the target, so the label stays clear of the curves.
  parts.push(`<text x="${x(0) + 4}" y="${y(r.target) - 4}" font-size="10" fill="#d62728">95 % of all-labels F1 ${r.allLabelsF1.toFixed(3)}</text>`);
  Object.entries(r.curves).forEach(([name, c], i) => {
    const color = COLORS[name] ?? '#000';
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${c.map((p) => `${x(p.labelled).toFixed(1)},${y(p.f1).toFixed(1)}`).join(' ')}"/>`,
    );
    parts.push(`<text x="${x(xMax) - 4}" y="${y(0) - 8 - 12 * i}" font-size="10" text-anchor="end" fill="${color}">${esc(name)}</text>`);
  });
  return parts.join('\n');
}

function load(spec: string): Result & { repeats: number; refRepeats: number } {
  const m = /^(.*?)(?::(\d+))?(!)?$/.exec(spec)!;
  const r = JSON.parse(fs.readFileSync(m[1], 'utf8').trim().split('\n').at(-1)!) as Result & { allLabelsF1PerRepeat?: number[] };
  const repeats = m[2] ? Number(m[2]) : r.allLabelsF1PerRepeat?.length;
  if (!repeats) throw new Error(`${m[1]}: how many repeats? (write it as ${m[1]}:N)`);
  // FILE! : its all-labels runs repeat those of another file of the panel (same seeds): curves only.
  return { ...r, repeats, refRepeats: m[3] ? 0 : repeats };
}

/** Curves of several invocations averaged, weighted by their repeats. */
function merge(parts: Array<Result & { repeats: number; refRepeats: number }>): Result {
  const total = parts.reduce((a, p) => a + p.refRepeats, 0);
  const allLabelsF1 = parts.reduce((a, p) => a + p.allLabelsF1 * p.refRepeats, 0) / total;
  const only = values.orders?.split(',').map((o) => o.trim());
  const names = [...new Set(parts.flatMap((p) => Object.keys(p.curves)))].filter((k) => !only || only.includes(k));
  const curves = Object.fromEntries(
    names.map((name) => {
      const having = parts.filter((p) => p.curves[name]);
      const n = Math.min(...having.map((p) => p.curves[name].length));
      const w = having.reduce((a, p) => a + p.repeats, 0);
      return [
        name,
        Array.from({ length: n }, (_, i) => ({
          labelled: having[0].curves[name][i].labelled,
          f1: having.reduce((a, p) => a + p.curves[name][i].f1 * p.repeats, 0) / w,
        })),
      ];
    }),
  );
  return { curves, allLabelsF1, target: 0.95 * allLabelsF1, budget: Math.max(...parts.map((p) => p.budget)) };
}

const results = inputs.map((panelSpec) => merge(panelSpec.split('+').map(load)));
const titles = values.title ?? [];
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W * results.length}" height="${H}" font-family="sans-serif">`,
  `<rect width="100%" height="100%" fill="#fff"/>`,
  ...results.map((r, i) => panel(r, titles[i] ?? inputs[i], i * W)),
  '</svg>',
].join('\n');
fs.writeFileSync(out, svg);
console.log(`wrote ${out}`);
if (values.table)
  results.forEach((r, i) => {
    const names = Object.keys(r.curves);
    const xs = r.curves[names[0]].map((p) => p.labelled);
    const needed = (name: string) => r.curves[name].find((p) => p.f1 >= r.target)?.labelled ?? null;
    console.log(`\n${titles[i] ?? inputs[i]}: all-labels span F1 ${r.allLabelsF1.toFixed(3)}, target ${r.target.toFixed(3)}\n`);
    console.log(`| labelled windows | ${xs.join(' | ')} | labels needed | / random |`);
    console.log(`|---|${xs.map(() => '---|').join('')}---|---|`);
    for (const name of names) {
      const n = needed(name);
      const rnd = r.curves.random ? needed('random') : null;
      const f1s = xs.map((x) => r.curves[name].find((p) => p.labelled === x)?.f1.toFixed(3) ?? '—');
      console.log(`| ${name} | ${f1s.join(' | ')} | ${n ?? 'not within ' + xs.at(-1)} | ${n != null && rnd != null ? (n / rnd).toFixed(2) : '—'} |`);
    }
  });

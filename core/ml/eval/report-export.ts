/**
 * Run reports and comparisons as files a person can keep or send: Markdown, or one self-contained
 * HTML page — inline CSS, plots as inline SVG generated here, no scripts, no fonts, no images, no
 * URL of any kind (a CSP meta tag forbids every fetch), so it opens offline and under a strict CSP.
 * The tables are built once (report-content.ts, plots in report-plots.ts, formatting in
 * report-format.ts) and rendered to either format here. Pure TS.
 */
import type { Comparison } from './compare.ts';
import type { RunReport } from './report-types.ts';
import { escapeXml as esc, lineChart, type LineSeries } from './svg-plot.ts';
import { comparisonTables, curveTable, kpis, runTables } from './report-content.ts';
import { RUN_COLORS, date, type ReportMeta, type Table } from './report-format.ts';
import { runPlots } from './report-plots.ts';

export { TASK_COLORS, type ReportMeta } from './report-format.ts';

// ---------------------------------------------------------------------------------------------
// Markdown

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdTable(t: Table, level = '##'): string {
  const lines = [`${level} ${t.title}`, ''];
  if (t.note) lines.push(t.note, '');
  const strong = new Set((t.strong ?? []).map(([r, c]) => `${r}:${c}`));
  const head = t.head.every((h) => h === '') ? t.head.map((_, i) => (i === 0 ? 'field' : 'value')) : t.head;
  lines.push(`| ${head.map(mdCell).join(' | ')} |`, `| ${head.map((_, i) => (t.numeric?.includes(i) ? '---:' : '---')).join(' | ')} |`);
  t.rows.forEach((row, r) => lines.push(`| ${row.map((c, i) => (strong.has(`${r}:${i}`) ? `**${mdCell(c)}**` : mdCell(c))).join(' | ')} |`));
  lines.push('');
  return lines.join('\n');
}

export function renderReportMarkdown(report: RunReport, meta: ReportMeta): string {
  const k = kpis(report);
  const out = [`# Candlemark run ${meta.runId}: ${report.model.head} span detector`, ''];
  out.push(`${meta.project ? `Project \`${meta.project}\` · ` : ''}generated ${date(meta.generatedAt ?? Date.now())} · report schema \`${report.schema}\``, '');
  out.push(k.map((x) => `**${x.label}** ${x.value} (${x.sub})`).join(' · '), '');
  for (const t of runTables(report, meta)) out.push(mdTable(t));
  out.push(mdTable(curveTable(report)));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// HTML

const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f1f5f9;color:#0f172a;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1200px;margin:0 auto;padding:28px 28px 48px}
header.top{background:#0f172a;color:#e2e8f0}
header.top .in{max-width:1200px;margin:0 auto;padding:22px 28px}
header.top h1{margin:0 0 4px;font-size:22px;font-weight:650;color:#fff;letter-spacing:-.01em}
header.top .sub{font-size:13px;color:#94a3b8}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;background:#1e293b;color:#cbd5e1;font-size:12px;margin-right:6px}
.badge.ok{background:#14532d;color:#bbf7d0}.badge.warn{background:#7c2d12;color:#fed7aa}
h2{font-size:16px;margin:30px 0 12px;color:#0f172a;font-weight:650}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin-top:-4px}
.kpi{background:#fff;border:1px solid #e2e8f0;border-radius:10px;padding:12px 14px}
.kpi .l{font-size:12px;color:#64748b;text-transform:uppercase;letter-spacing:.04em}
.kpi .v{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums;margin:2px 0}
.kpi .s{font-size:12px;color:#64748b}
.kpi.good .v{color:#15803d}.kpi.bad .v{color:#b91c1c}
.plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:14px}
figure{margin:0;background:#fff;border:1px solid #e2e8f0;border-radius:10px;padding:12px 14px 10px;break-inside:avoid}
figure h3{margin:0 0 6px;font-size:14px;font-weight:600}
figure svg{display:block;width:100%;height:auto}
figcaption{font-size:12px;color:#64748b;margin-top:4px}
.tables{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:14px;align-items:start}
section.t{background:#fff;border:1px solid #e2e8f0;border-radius:10px;padding:12px 14px;break-inside:avoid;overflow-x:auto}
section.t.wide{grid-column:1/-1}
section.t h3{margin:0 0 4px;font-size:14px;font-weight:600}
section.t p{margin:0 0 8px;font-size:12px;color:#64748b}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid #f1f5f9;text-align:left;vertical-align:top}
th{font-weight:600;color:#475569;font-size:12px;background:#f8fafc;border-bottom:1px solid #e2e8f0}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr:last-child td{border-bottom:0}
td.win{font-weight:700;color:#15803d;background:#f0fdf4}
table.kv td:first-child{color:#475569;white-space:nowrap;width:1%}
footer{max-width:1200px;margin:0 auto;padding:0 28px 32px;font-size:12px;color:#94a3b8}
@media print{body{background:#fff}header.top{background:#fff;color:#0f172a;border-bottom:2px solid #0f172a}header.top h1{color:#0f172a}.plots,.tables{display:block}figure,section.t{margin-bottom:12px}}
`;

function htmlTable(t: Table, wide = false): string {
  const kv = t.head.every((h) => h === '');
  const strong = new Set((t.strong ?? []).map(([r, c]) => `${r}:${c}`));
  const cls = (i: number) => (t.numeric?.includes(i) ? ' class="n"' : '');
  const parts = [`<section class="t${wide ? ' wide' : ''}"><h3>${esc(t.title)}</h3>`];
  if (t.note) parts.push(`<p>${esc(t.note)}</p>`);
  parts.push(`<table${kv ? ' class="kv"' : ''}>`);
  if (!kv) parts.push(`<thead><tr>${t.head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead>`);
  parts.push('<tbody>');
  t.rows.forEach((row, r) => {
    parts.push(
      `<tr>${row
        .map((c, i) => {
          const win = strong.has(`${r}:${i}`);
          const classes = [t.numeric?.includes(i) ? 'n' : '', win ? 'win' : ''].filter(Boolean).join(' ');
          return `<td${classes ? ` class="${classes}"` : ''}>${esc(c)}</td>`;
        })
        .join('')}</tr>`,
    );
  });
  parts.push('</tbody></table></section>');
  return parts.join('');
}

function page(title: string, header: string, body: string, generatedAt: number): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may be fetched: the page is complete as it is.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<header class="top"><div class="in">${header}</div></header>`,
    `<main>${body}</main>`,
    `<footer>Generated by Candlemark on ${esc(date(generatedAt))}. Self-contained file: no scripts, no external resources.</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}

export function renderReportHtml(report: RunReport, meta: ReportMeta): string {
  const generatedAt = meta.generatedAt ?? Date.now();
  const tables = runTables(report, meta);
  const status = meta.status ?? 'completed';
  const header =
    `<h1>Run ${meta.runId} · ${esc(report.model.head === 'crf' ? 'CRF' : 'soft-span')} detector</h1>` +
    `<div class="sub"><span class="badge ${status === 'completed' ? 'ok' : 'warn'}">${esc(status)}</span>` +
    `<span class="badge">${esc(report.model.encoder)} encoder</span><span class="badge">${esc(report.backend)}</span>` +
    `${esc(report.device)}${meta.project ? ` · project ${esc(meta.project)}` : ''} · finished ${esc(date(meta.finishedAt))}</div>`;
  const body: string[] = [];
  body.push('<section class="kpis">');
  for (const k of kpis(report)) {
    body.push(
      `<div class="kpi${k.tone ? ` ${k.tone}` : ''}"><div class="l">${esc(k.label)}</div><div class="v">${esc(k.value)}</div><div class="s">${esc(k.sub)}</div></div>`,
    );
  }
  body.push('</section>');
  body.push('<h2>Plots</h2><section class="plots">');
  for (const p of runPlots(report)) body.push(`<figure><h3>${esc(p.title)}</h3>${p.svg}<figcaption>${esc(p.caption)}</figcaption></figure>`);
  body.push('</section>');
  body.push('<h2>Results</h2><section class="tables">');
  const [run, ...rest] = tables;
  const wide = new Set(['Headline (validation)', 'Loss summary', 'Per task (validation, unweighted)']);
  body.push(htmlTable(run, true));
  for (const t of rest.filter((x) => x.title !== 'Configuration')) body.push(htmlTable(t, wide.has(t.title)));
  body.push('</section>');
  body.push('<h2>Details</h2><section class="tables">');
  body.push(htmlTable(curveTable(report), true));
  const config = tables.find((t) => t.title === 'Configuration');
  if (config) body.push(htmlTable(config));
  body.push('</section>');
  return page(`Candlemark run ${meta.runId}`, header, body.join('\n'), generatedAt);
}

// ---------------------------------------------------------------------------------------------
// Comparison

export function renderComparisonHtml(c: Comparison, opts: { generatedAt?: number } = {}): string {
  const generatedAt = opts.generatedAt ?? Date.now();
  const series = (pick: (number | null)[][]): LineSeries[] =>
    c.runs.map((r, i) => ({ name: r.name, color: RUN_COLORS[i % RUN_COLORS.length], values: pick[i] }));
  const plots = [
    {
      title: 'Relative validation criterion',
      caption: 'Validation best-epoch criterion divided by its value at initialisation: scale-free, comparable between soft and CRF heads.',
      svg: lineChart({
        title: 'Relative validation criterion',
        x: c.curves.epoch,
        series: series(c.curves.valCriterionRelative),
        xLabel: 'epoch',
        integerX: true,
        yLabel: 'loss / loss at epoch 0',
        yScale: 'auto',
      }),
    },
    {
      title: 'Validation bar F1 at 0.5',
      caption: 'Bar F1 of the span probability at 0.5 after each epoch.',
      svg: lineChart({
        title: 'Validation bar F1',
        x: c.curves.epoch,
        series: series(c.curves.valBarF1),
        xLabel: 'epoch',
        integerX: true,
        yLabel: 'F1',
        yDomain: [0, 1],
      }),
    },
    {
      title: 'Loss, all four tasks (unweighted)',
      caption: 'Training (dashed) and validation (solid) sums of the four unweighted task losses.',
      svg: lineChart({
        title: 'Unweighted loss',
        x: c.curves.epoch,
        series: [...series(c.curves.valUnweighted), ...series(c.curves.trainUnweighted).map((s) => ({ ...s, name: `${s.name}, train`, dashed: true }))],
        xLabel: 'epoch',
        integerX: true,
        yLabel: 'loss',
        yScale: 'auto',
      }),
    },
    {
      title: 'Span task weight',
      caption: 'Share of the objective spent on the span task, σ_span⁻² / Σσ⁻².',
      svg: lineChart({
        title: 'Span task weight',
        x: c.curves.epoch,
        series: series(c.curves.spanTaskWeight),
        xLabel: 'epoch',
        integerX: true,
        yLabel: 'weight',
        yDomain: [0, 1],
      }),
    },
  ];
  const [runs, matrix, verdicts, diff] = comparisonTables(c);
  const header = `<h1>Run comparison</h1><div class="sub">${c.runs.map((r, i) => `<span class="badge" style="background:${RUN_COLORS[i % RUN_COLORS.length]};color:#fff">${esc(r.name)}</span>`).join('')}</div>`;
  const body = [
    '<h2>Summary</h2><section class="tables">',
    htmlTable(matrix, true),
    '</section>',
    '<h2>Curves</h2><section class="plots">',
    ...plots.map((p) => `<figure><h3>${esc(p.title)}</h3>${p.svg}<figcaption>${esc(p.caption)}</figcaption></figure>`),
    '</section>',
    '<h2>Details</h2><section class="tables">',
    htmlTable(runs),
    htmlTable(diff),
    htmlTable(verdicts, true),
    '</section>',
  ];
  return page('Candlemark run comparison', header, body.join('\n'), generatedAt);
}

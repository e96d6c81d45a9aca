/**
 * Run reports and comparisons as files a person can keep or send: Markdown, or one self-contained
 * HTML page — inline CSS, plots as inline SVG generated here, no scripts, no fonts, no images, no
 * URL of any kind (a CSP meta tag forbids every fetch), so it opens offline and under a strict CSP.
 * The tables are built once and rendered to either format. Pure TS.
 */
import type { Comparison } from './compare.ts';
import type { RunReport } from './report.ts';
import { escapeXml as esc, histogram, lineChart, type LineSeries } from './svg-plot.ts';
import { TASKS, type TaskName } from './types.ts';

/** What the report doesn't carry itself: the stored run's row. */
export interface ReportMeta {
  runId: number;
  status?: string;
  startedAt?: number | null;
  finishedAt?: number | null;
  /** The project file's name (shown in the header). */
  project?: string | null;
  /** When the file was written (default: now). */
  generatedAt?: number;
}

interface Table {
  title: string;
  note?: string;
  head: string[];
  rows: string[][];
  /** Columns (index) holding numbers: right-aligned in HTML. */
  numeric?: number[];
  /** Cells [row, col] to emphasise (the winner of a decision-matrix row). */
  strong?: [number, number][];
}

const COLORS = { train: '#2563eb', val: '#ea580c', inside: '#0d9488', outside: '#94a3b8' };
/** One colour per task, in exported reports and in the app's live plots. */
export const TASK_COLORS: Record<TaskName, string> = { pointer: '#7c3aed', type: '#0891b2', span: '#dc2626', countdown: '#d97706' };
const RUN_COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#db2777', '#0891b2', '#ca8a04', '#475569'];

const fin = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const f3 = (x: unknown) => (fin(x) ? (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(3)) : '—');
const f2 = (x: unknown) => (fin(x) ? x.toFixed(2) : '—');
const pct = (x: unknown) => (fin(x) ? `${(x * 100).toFixed(1)} %` : '—');
const int = (x: unknown) => (fin(x) ? Math.round(x).toLocaleString('en') : '—');
const critLabel = (r: RunReport) => (r.loss.criterion === 'span+countdown' ? 'span + countdown' : 'span');
const yesNo = (b: unknown) => (b ? 'yes' : 'no');
const date = (t: number | null | undefined) => (fin(t) ? new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z').replace('T', ' ') : '—');
function duration(s: unknown): string {
  if (!fin(s)) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
const prf = (p: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number }) =>
  [f3(p.f1), f3(p.precision), f3(p.recall), `${int(p.tp)} / ${int(p.fp)} / ${int(p.fn)}`];

function flatten(obj: unknown, prefix = '', out: [string, unknown][] = []): [string, unknown][] {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, obj]);
  return out;
}
const value = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : f3(v)) : v === undefined || v === null ? '—' : Array.isArray(v) ? v.join(', ') : String(v));

// ---------------------------------------------------------------------------------------------
// The content, once

function runTables(r: RunReport, meta: ReportMeta): Table[] {
  const m = r.metrics;
  const u = r.baselines.untrained;
  const tables: Table[] = [];
  tables.push({
    title: 'Run',
    head: ['', ''],
    rows: [
      ['run', `${meta.runId}${meta.status ? ` (${meta.status})` : ''}`],
      ['model', `${r.model.head} head, ${r.model.encoder} encoder, hidden ${r.model.hidden}, ${r.model.featureCount} features, windows of ${r.model.windowLength} bars, ${r.model.typeCount} span type(s)`],
      ['ensemble', `${r.model.ensemble} (seeds ${r.model.seeds.join(', ')})`],
      ['backend', `${r.backend} — ${r.device}`],
      ['started / finished', `${date(meta.startedAt)} / ${date(meta.finishedAt)}`],
      ['training time', `${duration(r.timing.totalSeconds)}, ${r.timing.epochsRun} epochs, ${f3(r.timing.secondsPerEpoch)} s/epoch${r.timing.stoppedEarly ? ', stopped early' : ''}`],
      ['data', `${int(r.data.trainWindows)} training / ${int(r.data.valWindows)} validation windows; in-span bars ${pct(r.data.trainPrevalence)} (train), ${pct(r.data.valPrevalence)} (validation)`],
      ['span types', r.data.typeNames.join(', ') || '—'],
      ['decoding', `min length ${r.decode.minLength} bars, merge gap ${r.decode.mergeGap}, span match IoU ≥ ${r.decode.iou}`],
      ...(r.model.features?.length ? [['features', r.model.features.join(', ')]] : []),
    ],
  });
  // v2: the headline on the held-out test block (thresholds chosen on train), validation beside it.
  if (r.headline) {
    const h = r.headline;
    const ci = (c: { low: number; high: number } | null) => (c ? `[${f3(c.low)}, ${f3(c.high)}]` : '—');
    const row = (name: string, f: typeof h.validation) => [name, String(f.windows), f3(f.spanF1), ci(f.spanCI), f3(f.barF1), ci(f.barCI)];
    tables.push({
      title: h.on === 'test' ? 'Headline (held-out test block)' : 'Headline (validation: this run has no test block)',
      note: `The test block is the chronologically last labelled windows of each series, purged by one window length; no choice (epoch, threshold, task weights) saw it. Intervals: 95 % block-bootstrap over windows. ${(r.dataset?.notes ?? []).join(' · ')}`,
      head: ['windows', 'count', 'span F1', 'span F1 95 % interval', 'bar F1', 'bar F1 95 % interval'],
      numeric: [1, 2, 4],
      rows: [
        ...(h.test ? [row('test block (headline)', h.test)] : []),
        row('validation', h.validation),
        // Series-level: overlapping windows stitched, each bar and span counted once (no interval).
        ...(r.seriesLevel?.test ? [['test block, series-level (each bar once)', int(r.seriesLevel.test.bars), f3(r.seriesLevel.test.span.f1), '—', f3(r.seriesLevel.test.bar.f1), '—']] : []),
        ...(r.seriesLevel ? [['validation, series-level (each bar once)', int(r.seriesLevel.validation.bars), f3(r.seriesLevel.validation.span.f1), '—', f3(r.seriesLevel.validation.bar.f1), '—']] : []),
      ],
    });
  }
  tables.push({
    title: r.headline ? 'Validation detail' : 'Headline (validation)',
    note: `Headline decoder: ${m.headline.decoder === 'viterbi' ? 'CRF Viterbi path (no threshold)' : 'threshold chosen on the training predictions'}. P/R/F1 are micro-averaged; spans match at IoU ≥ ${r.decode.iou}.`,
    head: ['measure', 'F1', 'precision', 'recall', 'TP / FP / FN', 'training F1 (gap)'],
    numeric: [1, 2, 3, 5],
    rows: [
      ['span (at span threshold)', ...prf(m.val.span), `${f3(m.train.spanF1)} (${f3(m.train.spanF1 - m.val.span.f1)})`],
      ['bar (at bar threshold)', ...prf(m.val.bar), `${f3(m.train.barF1)} (${f3(m.train.barF1 - m.val.bar.f1)})`],
      ...(m.viterbi
        ? [
            ['span, Viterbi', ...prf(m.viterbi.val.span), `${f3(m.viterbi.train.spanF1)} (${f3(m.viterbi.train.spanF1 - m.viterbi.val.span.f1)})`],
            ['bar, Viterbi', ...prf(m.viterbi.val.bar), `${f3(m.viterbi.train.barF1)} (${f3(m.viterbi.train.barF1 - m.viterbi.val.bar.f1)})`],
          ]
        : []),
      ['bar at threshold 0.5', f3(m.val.barF1At05), '', '', '', ''],
    ],
  });
  tables.push({
    title: 'Baselines (validation)',
    note: 'Untrained: the same architecture and seeds at initialisation, evaluated exactly like the trained model. All-span: every bar predicted in span.',
    head: ['model', 'span F1', 'bar F1', 'calibration separation'],
    numeric: [1, 2, 3],
    rows: [
      ['trained (headline)', f3(m.headline.spanF1), f3(m.headline.barF1), f3(m.calibration.separation)],
      ['untrained', f3(u.headline.spanF1), f3(u.headline.barF1), f3(u.calibration.separation)],
      [`all-span (p = ${f3(r.baselines.allSpan.prevalence)})`, f3(r.baselines.allSpan.spanF1), f3(r.baselines.allSpan.barF1), '—'],
      ...(r.baselines.rule ? [['rule heuristic (expansion rule)', f3(r.baselines.rule.validation.spanF1), f3(r.baselines.rule.validation.barF1), '—']] : []),
      ...(r.baselines.logistic ? [['per-bar logistic regression', f3(r.baselines.logistic.validation.spanF1), f3(r.baselines.logistic.validation.barF1), '—']] : []),
    ],
  });
  if (r.headline?.test && (r.baselines.rule?.test || r.baselines.logistic?.test)) {
    const ci = (c: { low: number; high: number } | null) => (c ? `[${f3(c.low)}, ${f3(c.high)}]` : '—');
    const b = (name: string, f: { spanF1: number; spanCI: { low: number; high: number } | null; barF1: number } | null | undefined) => [name, f3(f?.spanF1), ci(f?.spanCI ?? null), f3(f?.barF1)];
    tables.push({
      title: 'Baselines (held-out test block)',
      note: 'Scored exactly like the model: same decoding, same label normalisation, thresholds chosen on the training windows.',
      head: ['model', 'span F1', 'span F1 95 % interval', 'bar F1'],
      numeric: [1, 3],
      rows: [
        b('trained (headline)', r.headline.test),
        b('rule heuristic', r.baselines.rule?.test),
        b('per-bar logistic regression', r.baselines.logistic?.test),
        ['all-span', f3(r.test?.baselines.allSpan.spanF1), '—', f3(r.test?.baselines.allSpan.barF1)],
        ['untrained', f3(r.test?.baselines.untrained?.headline.spanF1), '—', f3(r.test?.baselines.untrained?.headline.barF1)],
      ],
    });
  }
  // v2: reliability diagram data, ECE, Brier; temperature scaling fitted on validation, judged out of sample.
  if (m.reliability) {
    const rel = m.reliability;
    const tp = r.temperature;
    tables.push({
      title: 'Calibration: reliability (validation)',
      note: `ECE ${f3(rel.ece)}, Brier ${f3(rel.brier)} over ${int(rel.bars)} bars (span probability vs 0/1 labels).${
        tp ? ` Temperature scaling: τ = ${f3(tp.tau)} fitted on validation, judged on ${tp.judgedOn}${tp.inSample ? ' (in sample: no test block)' : ''}: ECE ${f3(tp.before.ece)} → ${f3(tp.after.ece)}, Brier ${f3(tp.before.brier)} → ${f3(tp.after.brier)}.` : ''
      } A soft head is trained toward an edge-ramped target, so its edge bars are not calibrated to 0/1 by design.`,
      head: ['bin', 'bars', 'mean predicted', 'observed in span'],
      numeric: [1, 2, 3],
      rows: rel.bins.map((b) => [`${f2(b.lo)}–${f2(b.hi)}`, int(b.count), f3(b.meanPredicted), f3(b.observed)]),
    });
  }
  tables.push({
    title: 'Thresholds',
    note: 'Chosen on the training predictions, never on validation. The validation-tuned figures flatter and are shown for reference only.',
    head: ['', 'threshold', 'validation F1 there'],
    numeric: [1, 2],
    rows: [
      ['span (chosen on train)', f2(m.threshold.span), f3(m.val.span.f1)],
      ['bar (chosen on train)', f2(m.threshold.bar), f3(m.val.bar.f1)],
      ['span (tuned on validation, optimistic)', f2(m.valTunedOptimistic.spanThreshold), f3(m.valTunedOptimistic.spanF1)],
      ['bar (tuned on validation, optimistic)', f2(m.valTunedOptimistic.barThreshold), f3(m.valTunedOptimistic.barF1)],
    ],
  });
  const L = r.loss;
  tables.push({
    title: 'Loss summary',
    note: `Best-epoch criterion: unweighted validation ${critLabel(r)} loss. Epoch 0 = initialisation. ${L.epochsTo90} epoch(s) to 90 % of the start→best reduction.`,
    head: ['loss', 'start', 'best', 'best epoch', 'final', 'reduction'],
    numeric: [1, 2, 3, 4, 5],
    rows: [
      [`validation criterion (${critLabel(r)})`, f3(L.valCriterion.start), f3(L.valCriterion.best), String(L.valCriterion.bestEpoch), f3(L.valCriterion.final), pct(L.valCriterion.normalisedReduction)],
      ['validation, all four tasks (unweighted)', f3(L.valUnweighted.start), f3(L.valUnweighted.best), String(L.valUnweighted.bestEpoch), f3(L.valUnweighted.final), pct(L.valUnweighted.normalisedReduction)],
      ['validation, weighted objective', f3(L.valWeighted.start), f3(L.valWeighted.atBest), '(at best)', f3(L.valWeighted.final), '—'],
      ['training, all four tasks (unweighted)', f3(L.train.startUnweighted), '—', '—', f3(L.train.finalUnweighted), pct(fin(L.train.startUnweighted) && L.train.startUnweighted !== 0 ? (L.train.startUnweighted - L.train.finalUnweighted) / L.train.startUnweighted : NaN)],
      [`span loss vs prevalence entropy H(p) = ${f3(L.spanVsEntropy.prevalenceEntropy)}`, '—', f3(L.spanVsEntropy.spanLossAtBest), '—', '—', `ratio ${f3(L.spanVsEntropy.ratio)}`],
    ],
  });
  const W = r.uncertainty;
  tables.push({
    title: 'Per task (validation, unweighted)',
    note: 'Task weights are σ⁻² / Σσ⁻² of the learned uncertainty weighting.',
    head: ['task', 'start', 'at best', 'final', 'normalised reduction', 'weight at best', 'weight final', 'σ final'],
    numeric: [1, 2, 3, 4, 5, 6, 7],
    rows: TASKS.map((k) => [k, f3(L.perTask[k].start), f3(L.perTask[k].atBest), f3(L.perTask[k].final), pct(L.perTask[k].normalisedReduction), f3(W.atBest.taskWeights[k]), f3(W.final.taskWeights[k]), f3(W.final.sigmas[k])]),
  });
  const of = (name: string, o: RunReport['overfitting']) => [name, o.detected ? 'yes' : 'no', o.beganAtEpoch === null ? '—' : String(o.beganAtEpoch), String(o.longestStreak), String(o.minEpochs), String(o.smoothing)];
  tables.push({
    title: 'Overfitting',
    note: 'Validation loss rising while training loss falls, on trailing means, for at least N consecutive epochs.',
    head: ['curves', 'detected', 'began at epoch', 'longest streak', 'N', 'smoothing'],
    numeric: [2, 3, 4, 5],
    rows: [of(`criterion (${critLabel(r)})`, r.overfitting), of('all four tasks', r.overfittingAllTasks)],
  });
  tables.push({
    title: 'Pointer, type, countdown, calibration (validation)',
    head: ['measure', 'value', 'over'],
    numeric: [1],
    rows: [
      [`pointer start within ±${m.pointer.k} bars`, pct(m.pointer.start), `${int(m.pointer.windows)} windows with a span`],
      [`pointer end within ±${m.pointer.k} bars`, pct(m.pointer.end), `${int(m.pointer.windows)} windows with a span`],
      ['pointer start and end', pct(m.pointer.both), `${int(m.pointer.windows)} windows with a span`],
      ['type accuracy', pct(m.type.accuracy), `${int(m.type.windows)} windows with a span`],
      ['countdown MAE (bars)', f3(m.countdown.mae), `${int(m.countdown.bars)} in-span bars`],
      ['mean span probability, in span', f3(m.calibration.meanInside), `${int(m.calibration.countInside)} bars`],
      ['mean span probability, out of span', f3(m.calibration.meanOutside), `${int(m.calibration.countOutside)} bars`],
      ['calibration separation', f3(m.calibration.separation), 'in − out'],
    ],
  });
  tables.push({
    title: 'Ensemble members',
    head: ['seed', 'best epoch', 'epochs run', 'stopped early', 'best validation criterion'],
    numeric: [0, 1, 2, 4],
    rows: r.members.map((x) => [String(x.seed), String(x.bestEpoch), String(x.epochsRun), yesNo(x.stoppedEarly), f3(x.bestValCriterion)]),
  });
  tables.push({
    title: 'Configuration',
    head: ['option', 'value'],
    rows: flatten(r.config).map(([k, v]) => [k, value(v)]),
  });
  return tables;
}

function curveTable(r: RunReport, rows = 11): Table {
  const c = r.curves;
  const n = c.epoch.length;
  const idx = n <= rows ? c.epoch.map((_, i) => i) : [...new Set(Array.from({ length: rows }, (_, i) => Math.round((i * (n - 1)) / (rows - 1))))];
  return {
    title: 'Curves',
    note: n > rows ? `${rows} of ${n} epochs; every epoch is in the JSON report.` : undefined,
    head: ['epoch', 'train loss (unweighted)', 'validation loss (unweighted)', 'validation criterion', 'validation bar F1 @0.5', 'span task weight'],
    numeric: [0, 1, 2, 3, 4, 5],
    rows: idx.map((i) => [String(c.epoch[i]), f3(c.trainUnweighted[i]), f3(c.valUnweighted[i]), f3(c.valCriterion[i]), f3(c.valBarF1[i]), f3(c.taskWeights.span[i])]),
  };
}

function runPlots(r: RunReport): { title: string; caption: string; svg: string }[] {
  const c = r.curves;
  const m = r.metrics;
  const best = r.loss.valCriterion.bestEpoch;
  const bestMarker = best >= 0 ? [{ x: best, label: `best epoch ${best}`, color: '#16a34a' }] : [];
  const plots = [];
  plots.push({
    title: 'Loss curves',
    caption: 'Unweighted losses per epoch (epoch 0 = initialisation): the four-task sum (solid) and the best-epoch criterion (dashed).',
    svg: lineChart({
      title: 'Loss curves',
      x: c.epoch,
      series: [
        { name: 'train, 4 tasks', color: COLORS.train, values: c.trainUnweighted },
        { name: 'validation, 4 tasks', color: COLORS.val, values: c.valUnweighted },
        { name: 'train, criterion', color: COLORS.train, values: c.trainCriterion, dashed: true },
        { name: 'validation, criterion', color: COLORS.val, values: c.valCriterion, dashed: true },
      ],
      xLabel: 'epoch',
      integerX: true,
      yLabel: 'loss',
      yScale: 'auto',
      markers: bestMarker,
    }),
  });
  plots.push({
    title: 'Validation loss per task',
    caption: 'Unweighted validation loss of each head. Pointer and type are per-window losses and may overfit first.',
    svg: lineChart({
      title: 'Validation loss per task',
      x: c.epoch,
      series: TASKS.map((k) => ({ name: k, color: TASK_COLORS[k], values: c.valTask[k] })),
      xLabel: 'epoch',
      integerX: true,
      yLabel: 'loss',
      yScale: 'auto',
      markers: bestMarker,
    }),
  });
  const sweepX = m.sweep.train.map((p) => p.threshold);
  const valAt = (t: number, f: 'spanF1' | 'barF1') => m.sweep.val.find((p) => p.threshold === t)?.[f] ?? null;
  plots.push({
    title: 'F1 vs threshold',
    caption: `Span F1 (solid) and bar F1 (dashed) of the thresholded span probability. The span threshold ${f2(m.threshold.span)} was chosen on the training curve.${m.headline.decoder === 'viterbi' ? ' (The CRF headline uses the Viterbi path instead.)' : ''}`,
    svg: lineChart({
      title: 'F1 vs threshold',
      x: sweepX,
      series: [
        { name: 'train span F1', color: COLORS.train, values: m.sweep.train.map((p) => p.spanF1) },
        { name: 'validation span F1', color: COLORS.val, values: sweepX.map((t) => valAt(t, 'spanF1')) },
        { name: 'train bar F1', color: COLORS.train, values: m.sweep.train.map((p) => p.barF1), dashed: true },
        { name: 'validation bar F1', color: COLORS.val, values: sweepX.map((t) => valAt(t, 'barF1')), dashed: true },
      ],
      xLabel: 'threshold',
      yLabel: 'F1',
      yDomain: [0, 1],
      xDomain: [0, 1],
      markers: [{ x: m.threshold.span, label: `chosen ${f2(m.threshold.span)}`, color: '#16a34a' }],
    }),
  });
  plots.push({
    title: 'Calibration',
    caption: `Validation span probabilities of bars inside labelled spans vs outside (fraction of each group per bin). Means ${f3(m.calibration.meanInside)} vs ${f3(m.calibration.meanOutside)}.`,
    svg: histogram({
      title: 'Calibration histogram',
      edges: m.calibration.edges,
      series: [
        { name: `in span (${int(m.calibration.countInside)} bars)`, color: COLORS.inside, values: m.calibration.histInside },
        { name: `out of span (${int(m.calibration.countOutside)} bars)`, color: COLORS.outside, values: m.calibration.histOutside },
      ],
      markers: [
        { x: m.calibration.meanOutside, label: 'mean out', color: '#64748b' },
        { x: m.calibration.meanInside, label: 'mean in', color: COLORS.inside },
      ],
      xLabel: 'predicted span probability',
      yLabel: 'fraction of bars',
    }),
  });
  plots.push({
    title: 'Task weights',
    caption: 'Learned uncertainty weights σ⁻² / Σσ⁻² per epoch (sum to 1).',
    svg: lineChart({
      title: 'Task weights over epochs',
      x: c.epoch,
      series: TASKS.map((k) => ({ name: k, color: TASK_COLORS[k], values: c.taskWeights[k] })),
      xLabel: 'epoch',
      integerX: true,
      yLabel: 'weight',
      yDomain: [0, 1],
      markers: bestMarker,
    }),
  });
  plots.push({
    title: 'Validation bar F1 during training',
    caption: 'Bar F1 of the span probability at 0.5, no post-processing, after each epoch.',
    svg: lineChart({
      title: 'Validation bar F1 at 0.5',
      x: c.epoch,
      series: [{ name: 'validation bar F1 @0.5', color: COLORS.val, values: c.valBarF1 }],
      xLabel: 'epoch',
      integerX: true,
      yLabel: 'F1',
      yDomain: [0, 1],
      markers: bestMarker,
    }),
  });
  return plots;
}

function kpis(r: RunReport): { label: string; value: string; sub: string; tone?: 'good' | 'bad' }[] {
  const m = r.metrics;
  const u = r.baselines.untrained.headline;
  const lift = m.headline.spanF1 - u.spanF1;
  return [
    { label: 'Span F1', value: f3(m.headline.spanF1), sub: `validation, ${m.headline.decoder}` },
    { label: 'Bar F1', value: f3(m.headline.barF1), sub: `all-span baseline ${f3(r.baselines.allSpan.barF1)}` },
    { label: 'vs untrained', value: `${lift >= 0 ? '+' : ''}${f3(lift)}`, sub: `untrained span F1 ${f3(u.spanF1)}`, tone: lift > 0.005 ? 'good' : lift < -0.005 ? 'bad' : undefined },
    { label: 'Best epoch', value: `${r.loss.valCriterion.bestEpoch} / ${r.timing.epochsRun}`, sub: `criterion −${pct(r.loss.valCriterion.normalisedReduction)}` },
    { label: 'Separation', value: f3(m.calibration.separation), sub: 'mean p in − out of span' },
    { label: 'Training', value: duration(r.timing.totalSeconds), sub: `${f3(r.timing.secondsPerEpoch)} s/epoch` },
  ];
}

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
    body.push(`<div class="kpi${k.tone ? ` ${k.tone}` : ''}"><div class="l">${esc(k.label)}</div><div class="v">${esc(k.value)}</div><div class="s">${esc(k.sub)}</div></div>`);
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

function comparisonTables(c: Comparison): Table[] {
  const names = c.runs.map((r) => r.name);
  const matrix: Table = {
    title: 'Decision matrix',
    note: 'The winner of each row is highlighted; differences within the row’s tolerance are ties.',
    head: ['criterion', ...names, 'better', 'measure'],
    numeric: names.map((_, i) => i + 1),
    rows: c.matrix.map((row) => [row.criterion, ...row.values.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : f3(v)) : v)), row.better, row.measure]),
    strong: c.matrix.flatMap((row, r) => (row.winner === null ? [] : [[r, row.winner + 1] as [number, number]])),
  };
  const verdicts: Table = { title: 'Verdicts', head: ['criterion', 'verdict'], rows: c.matrix.map((row) => [row.criterion, row.verdict]) };
  const runs: Table = {
    title: 'Runs',
    head: ['run', 'id', 'head', 'encoder'],
    rows: c.runs.map((r) => [r.name, r.runId === null ? '—' : String(r.runId), r.head, r.encoder]),
  };
  const diff: Table = {
    title: 'Configuration differences',
    note: c.configDiff.length === 0 ? 'The runs share every option.' : undefined,
    head: ['option', ...names],
    rows: c.configDiff.map((d) => [d.key, ...d.values.map(value)]),
  };
  return [runs, matrix, verdicts, diff];
}

export function renderComparisonHtml(c: Comparison, opts: { generatedAt?: number } = {}): string {
  const generatedAt = opts.generatedAt ?? Date.now();
  const series = (pick: (number | null)[][]): LineSeries[] => c.runs.map((r, i) => ({ name: r.name, color: RUN_COLORS[i % RUN_COLORS.length], values: pick[i] }));
  const plots = [
    {
      title: 'Relative validation criterion',
      caption: 'Validation best-epoch criterion divided by its value at initialisation: scale-free, comparable between soft and CRF heads.',
      svg: lineChart({ title: 'Relative validation criterion', x: c.curves.epoch, series: series(c.curves.valCriterionRelative), xLabel: 'epoch',
      integerX: true, yLabel: 'loss / loss at epoch 0', yScale: 'auto' }),
    },
    {
      title: 'Validation bar F1 at 0.5',
      caption: 'Bar F1 of the span probability at 0.5 after each epoch.',
      svg: lineChart({ title: 'Validation bar F1', x: c.curves.epoch, series: series(c.curves.valBarF1), xLabel: 'epoch',
      integerX: true, yLabel: 'F1', yDomain: [0, 1] }),
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
      svg: lineChart({ title: 'Span task weight', x: c.curves.epoch, series: series(c.curves.spanTaskWeight), xLabel: 'epoch',
      integerX: true, yLabel: 'weight', yDomain: [0, 1] }),
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

/**
 * What a run report and a comparison say, built once as tables (and headline figures) that the
 * Markdown and HTML renderers (report-export.ts) both write.
 */
import type { Comparison } from './compare.ts';
import type { RunReport } from './report-types.ts';
import { TASKS } from './types.ts';
import {
  critLabel,
  keptByLabel,
  keptEpochOf,
  date,
  duration,
  f2,
  f3,
  fin,
  flatten,
  int,
  pct,
  prf,
  value,
  yesNo,
  type ReportMeta,
  type Table,
} from './report-format.ts';

/** Where the soft threshold was chosen, in words (reports before 2026-12-05: always train). */
const chosenOnText = (m: RunReport['metrics']) =>
  m.threshold.chosenOn === 'validation' ? 'validation predictions (never the test block)' : 'training predictions';

export function runTables(r: RunReport, meta: ReportMeta): Table[] {
  const m = r.metrics;
  const u = r.baselines.untrained;
  const tables: Table[] = [];
  tables.push({
    title: 'Run',
    head: ['', ''],
    rows: [
      ['run', `${meta.runId}${meta.status ? ` (${meta.status})` : ''}`],
      [
        'model',
        `${r.model.head} head, ${r.model.encoder} encoder, hidden ${r.model.hidden}, ${r.model.featureCount} features, windows of ${r.model.windowLength} bars, ${r.model.typeCount} span type(s)`,
      ],
      ['ensemble', `${r.model.ensemble} (seeds ${r.model.seeds.join(', ')})`],
      ['backend', `${r.backend} — ${r.device}`],
      ['started / finished', `${date(meta.startedAt)} / ${date(meta.finishedAt)}`],
      [
        'training time',
        `${duration(r.timing.totalSeconds)}, ${r.timing.epochsRun} epochs, ${f3(r.timing.secondsPerEpoch)} s/epoch${r.timing.stoppedEarly ? ', stopped early' : ''}`,
      ],
      [
        'data',
        `${int(r.data.trainWindows)} training / ${int(r.data.valWindows)} validation windows; in-span bars ${pct(r.data.trainPrevalence)} (train), ${pct(r.data.valPrevalence)} (validation)`,
      ],
      ['span types', r.data.typeNames.join(', ') || '—'],
      ['decoding', `min length ${r.decode.minLength} bars, merge gap ${r.decode.mergeGap}, span match IoU ≥ ${r.decode.iou}`],
      ...(r.model.features?.length ? [['features', r.model.features.join(', ')]] : []),
    ],
  });
  // v2: the headline on the held-out test block (thresholds chosen on validation), validation beside it.
  if (r.headline) {
    const h = r.headline;
    const ci = (c: { low: number; high: number } | null) => (c ? `[${f3(c.low)}, ${f3(c.high)}]` : '—');
    const row = (name: string, f: typeof h.validation) => [name, String(f.windows), f3(f.spanF1), ci(f.spanCI), f3(f.barF1), ci(f.barCI)];
    // Series-level: overlapping windows stitched, each bar and span counted once (no interval).
    const seriesRow = (name: string, f: { bars: number; span: { f1: number }; bar: { f1: number } }) => [
      name,
      int(f.bars),
      f3(f.span.f1),
      '—',
      f3(f.bar.f1),
      '—',
    ];
    tables.push({
      title: h.on === 'test' ? 'Headline (held-out test block)' : 'Headline (validation: this run has no test block)',
      note: `The test block is the chronologically last labelled windows of each series, purged by one window length; no choice (epoch, threshold, task weights) saw it. Intervals: 95 % block-bootstrap over windows. ${(r.dataset?.notes ?? []).join(' · ')}`,
      head: ['windows', 'count', 'span F1', 'span F1 95 % interval', 'bar F1', 'bar F1 95 % interval'],
      numeric: [1, 2, 4],
      rows: [
        ...(h.test ? [row('test block (headline)', h.test)] : []),
        row('validation', h.validation),
        ...(r.seriesLevel?.test ? [seriesRow('test block, series-level (each bar once)', r.seriesLevel.test)] : []),
        ...(r.seriesLevel ? [seriesRow('validation, series-level (each bar once)', r.seriesLevel.validation)] : []),
      ],
    });
  }
  // Walk-forward runs: every fold on its own test block, and the mean ± sd over folds.
  const cv = r.crossValidation;
  if (cv) {
    tables.push({
      title: `Walk-forward folds (${cv.folds})`,
      note: `Each fold learns from the blocks before its test block (${cv.purgeBars} bars purged between parts) and chooses its epoch and threshold inside itself. The headline is ${
        cv.headlineOn === 'held-out'
          ? `the held-out test block (${cv.heldOutWindows ?? '?'} windows), scored once by fold ${cv.savedFold}'s model`
          : `fold ${cv.savedFold}'s own test block (no held-out block)`
      }.`,
      head: ['fold', 'train / val / test windows', 'epoch', 'span F1', 'bar F1'],
      numeric: [3, 4],
      rows: [
        ...cv.perFold.map((f) => [
          `${f.fold}${f.fold === cv.savedFold ? ' (saved)' : ''}`,
          `${f.trainWindows} / ${f.valWindows} / ${f.testWindows}`,
          f.bestEpochs.join(', '),
          f3(f.spanF1),
          f3(f.barF1),
        ]),
        ['mean ± sd', '', '', `${f3(cv.spanF1.mean)} ± ${f3(cv.spanF1.sd)}`, `${f3(cv.barF1.mean)} ± ${f3(cv.barF1.sd)}`],
      ],
    });
  }
  tables.push({
    title: r.headline ? 'Validation detail' : 'Headline (validation)',
    note: `Headline decoder: ${m.headline.decoder === 'viterbi' ? 'CRF Viterbi path (no threshold)' : `threshold chosen on the ${chosenOnText(m)}`}. P/R/F1 are micro-averaged; spans match at IoU ≥ ${r.decode.iou}.`,
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
      ...(r.baselines.logistic
        ? [['per-bar logistic regression', f3(r.baselines.logistic.validation.spanF1), f3(r.baselines.logistic.validation.barF1), '—']]
        : []),
    ],
  });
  if (r.headline?.test && (r.baselines.rule?.test || r.baselines.logistic?.test)) {
    const ci = (c: { low: number; high: number } | null) => (c ? `[${f3(c.low)}, ${f3(c.high)}]` : '—');
    const b = (name: string, f: { spanF1: number; spanCI: { low: number; high: number } | null; barF1: number } | null | undefined) => [
      name,
      f3(f?.spanF1),
      ci(f?.spanCI ?? null),
      f3(f?.barF1),
    ];
    tables.push({
      title: 'Baselines (held-out test block)',
      note: `Scored exactly like the model: same decoding, same label normalisation, thresholds chosen on the ${r.metrics.threshold.chosenOn === 'validation' ? 'validation' : 'training'} windows.`,
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
        tp
          ? ` Temperature scaling: τ = ${f3(tp.tau)} fitted on validation, judged on ${tp.judgedOn}${tp.inSample ? ' (in sample: no test block)' : ''}: ECE ${f3(tp.before.ece)} → ${f3(tp.after.ece)}, Brier ${f3(tp.before.brier)} → ${f3(tp.after.brier)}.`
          : ''
      } A soft head is trained toward an edge-ramped target, so its edge bars are not calibrated to 0/1 by design.`,
      head: ['bin', 'bars', 'mean predicted', 'observed in span'],
      numeric: [1, 2, 3],
      rows: rel.bins.map((b) => [`${f2(b.lo)}–${f2(b.hi)}`, int(b.count), f3(b.meanPredicted), f3(b.observed)]),
    });
  }
  tables.push({
    title: 'Thresholds',
    note:
      m.threshold.chosenOn === 'validation'
        ? 'Chosen on the validation predictions of the kept model (where the epoch is chosen), never on the test block: the validation F1 beside them is optimistic, the test block is the honest figure.'
        : 'Chosen on the training predictions, never on validation. The validation-tuned figures flatter and are shown for reference only.',
    head: ['', 'threshold', 'validation F1 there'],
    numeric: [1, 2],
    rows: [
      [`span (chosen on ${m.threshold.chosenOn})`, f2(m.threshold.span), f3(m.val.span.f1)],
      [`bar (chosen on ${m.threshold.chosenOn})`, f2(m.threshold.bar), f3(m.val.bar.f1)],
      ['span (tuned on validation, optimistic)', f2(m.valTunedOptimistic.spanThreshold), f3(m.valTunedOptimistic.spanF1)],
      ['bar (tuned on validation, optimistic)', f2(m.valTunedOptimistic.barThreshold), f3(m.valTunedOptimistic.barF1)],
    ],
  });
  const L = r.loss;
  tables.push({
    title: 'Loss summary',
    note: `Kept epoch ${keptEpochOf(r)}: ${keptByLabel(r)}. Epoch 0 = initialisation. "best" is the loss's own minimum. ${L.epochsTo90} epoch(s) to 90 % of the start→best reduction.`,
    head: ['loss', 'start', 'best', 'best epoch', 'final', 'reduction'],
    numeric: [1, 2, 3, 4, 5],
    rows: [
      [
        `validation criterion (${critLabel(r)})`,
        f3(L.valCriterion.start),
        f3(L.valCriterion.best),
        String(L.valCriterion.bestEpoch),
        f3(L.valCriterion.final),
        pct(L.valCriterion.normalisedReduction),
      ],
      [
        'validation, all four tasks (unweighted)',
        f3(L.valUnweighted.start),
        f3(L.valUnweighted.best),
        String(L.valUnweighted.bestEpoch),
        f3(L.valUnweighted.final),
        pct(L.valUnweighted.normalisedReduction),
      ],
      ['validation, weighted objective', f3(L.valWeighted.start), f3(L.valWeighted.atBest), '(at best)', f3(L.valWeighted.final), '—'],
      [
        'training, all four tasks (unweighted)',
        f3(L.train.startUnweighted),
        '—',
        '—',
        f3(L.train.finalUnweighted),
        pct(
          fin(L.train.startUnweighted) && L.train.startUnweighted !== 0 ? (L.train.startUnweighted - L.train.finalUnweighted) / L.train.startUnweighted : NaN,
        ),
      ],
      [
        `span loss vs prevalence entropy H(p) = ${f3(L.spanVsEntropy.prevalenceEntropy)}`,
        '—',
        f3(L.spanVsEntropy.spanLossAtBest),
        '—',
        '—',
        `ratio ${f3(L.spanVsEntropy.ratio)}`,
      ],
    ],
  });
  const W = r.uncertainty;
  tables.push({
    title: 'Per task (validation, unweighted)',
    note: 'Task weights are σ⁻² / Σσ⁻² of the learned uncertainty weighting.',
    head: ['task', 'start', 'at best', 'final', 'normalised reduction', 'weight at best', 'weight final', 'σ final'],
    numeric: [1, 2, 3, 4, 5, 6, 7],
    rows: TASKS.map((k) => [
      k,
      f3(L.perTask[k].start),
      f3(L.perTask[k].atBest),
      f3(L.perTask[k].final),
      pct(L.perTask[k].normalisedReduction),
      f3(W.atBest.taskWeights[k]),
      f3(W.final.taskWeights[k]),
      f3(W.final.sigmas[k]),
    ]),
  });
  const of = (name: string, o: RunReport['overfitting']) => [
    name,
    o.detected ? 'yes' : 'no',
    o.beganAtEpoch === null ? '—' : String(o.beganAtEpoch),
    String(o.longestStreak),
    String(o.minEpochs),
    String(o.smoothing),
  ];
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

export function curveTable(r: RunReport, rows = 11): Table {
  const c = r.curves;
  const n = c.epoch.length;
  const idx = n <= rows ? c.epoch.map((_, i) => i) : [...new Set(Array.from({ length: rows }, (_, i) => Math.round((i * (n - 1)) / (rows - 1))))];
  return {
    title: 'Curves',
    note: n > rows ? `${rows} of ${n} epochs; every epoch is in the JSON report.` : undefined,
    head: ['epoch', 'train loss (unweighted)', 'validation loss (unweighted)', 'validation criterion', 'validation bar F1 @0.5', 'span task weight'],
    numeric: [0, 1, 2, 3, 4, 5],
    rows: idx.map((i) => [
      String(c.epoch[i]),
      f3(c.trainUnweighted[i]),
      f3(c.valUnweighted[i]),
      f3(c.valCriterion[i]),
      f3(c.valBarF1[i]),
      f3(c.taskWeights.span[i]),
    ]),
  };
}

export function kpis(r: RunReport): { label: string; value: string; sub: string; tone?: 'good' | 'bad' }[] {
  const m = r.metrics;
  const u = r.baselines.untrained.headline;
  const lift = m.headline.spanF1 - u.spanF1;
  return [
    { label: 'Span F1', value: f3(m.headline.spanF1), sub: `validation, ${m.headline.decoder}` },
    { label: 'Bar F1', value: f3(m.headline.barF1), sub: `all-span baseline ${f3(r.baselines.allSpan.barF1)}` },
    {
      label: 'vs untrained',
      value: `${lift >= 0 ? '+' : ''}${f3(lift)}`,
      sub: `untrained span F1 ${f3(u.spanF1)}`,
      tone: lift > 0.005 ? 'good' : lift < -0.005 ? 'bad' : undefined,
    },
    {
      label: 'Best epoch',
      value: `${keptEpochOf(r)} / ${r.timing.epochsRun}`,
      sub: r.loss.keptBy === 'span-f1' ? 'by validation span F1' : `criterion −${pct(r.loss.valCriterion.normalisedReduction)}`,
    },
    { label: 'Separation', value: f3(m.calibration.separation), sub: 'mean p in − out of span' },
    { label: 'Training', value: duration(r.timing.totalSeconds), sub: `${f3(r.timing.secondsPerEpoch)} s/epoch` },
  ];
}

export function comparisonTables(c: Comparison): Table[] {
  const names = c.runs.map((r) => r.name);
  const matrix: Table = {
    title: 'Decision matrix',
    note: 'The winner of each row is highlighted; differences within the row’s tolerance are ties.',
    head: ['criterion', ...names, 'better', 'measure'],
    numeric: names.map((_, i) => i + 1),
    rows: c.matrix.map((row) => [
      row.criterion,
      ...row.values.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : f3(v)) : v)),
      row.better,
      row.measure,
    ]),
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

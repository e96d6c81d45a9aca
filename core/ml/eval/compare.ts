/**
 * Compare two or more run reports: curves on one epoch axis, the config keys that differ, and a
 * decision matrix with a one-line verdict per row. Exported as JSON (the object) and Markdown.
 */
import { TASKS } from './types.ts';
import { reportHeadline, type RunReport } from './report.ts';
import { intervalsOverlap } from './bootstrap.ts';

export interface ComparedRun {
  name: string;
  runId: number | null;
  head: string;
  encoder: string;
}

export interface MatrixRow {
  criterion: string;
  /** How the value is measured, one line. */
  measure: string;
  values: (number | string)[];
  better: 'higher' | 'lower' | 'n/a';
  /** Index of the winning run, or null for a tie / no clear difference / not comparable. */
  winner: number | null;
  verdict: string;
  /** 95 % intervals per run where the row has them (F1 rows of v2 reports). */
  intervals?: ({ low: number; high: number } | null)[];
}

/** Tolerance for F1 rows when a report has no interval (v1): single seeds of one setting spread by about ±0.03. */
export const NO_INTERVAL_TOLERANCE = 0.03;

export interface Comparison {
  schema: 'candlemark.comparison/1';
  runs: ComparedRun[];
  /** One shared epoch axis (0 = initialisation); null where a run has no value at that epoch. */
  curves: {
    epoch: number[];
    valUnweighted: (number | null)[][];
    /** The best-epoch criterion (unweighted validation span loss; span + countdown in v1 reports). */
    valCriterion: (number | null)[][];
    /** valCriterion / valCriterion[0]: scale-free, comparable between soft and CRF. */
    valCriterionRelative: (number | null)[][];
    trainUnweighted: (number | null)[][];
    valBarF1: (number | null)[][];
    spanTaskWeight: (number | null)[][];
  };
  /** Only keys whose values differ between runs (flattened dotted paths of model + config). */
  configDiff: { key: string; values: unknown[] }[];
  matrix: MatrixRow[];
}

function flatten(obj: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = obj;
  return out;
}

/**
 * Keys (dotted) whose values differ between the objects; a missing key counts as undefined.
 * A setting that is stored twice under the same name (the training config's `head` and the
 * report's `model.head`) is listed once, under its first key: a diff that repeats a row reads as
 * two differences.
 */
export function diffConfigs(configs: unknown[]): { key: string; values: unknown[] }[] {
  const flat = configs.map((c) => flatten(c));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  const out: { key: string; values: unknown[] }[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    const vals = flat.map((f) => f[k]);
    const s = vals.map((v) => JSON.stringify(v));
    if (s.every((x) => x === s[0])) continue;
    const leaf = k.slice(k.lastIndexOf('.') + 1);
    const signature = `${leaf}\u0000${s.join('\u0000')}`;
    if (seen.has(signature)) continue;
    seen.add(signature);
    out.push({ key: k, values: vals });
  }
  return out;
}

/** Normalised entropy of task weights: 1 = all tasks weighted equally, 0 = one task takes all. */
export function taskBalance(weights: Record<string, number>): number {
  const w = TASKS.map((k) => weights[k] ?? 0);
  const s = w.reduce((a, b) => a + b, 0);
  if (s <= 0) return 0;
  let h = 0;
  for (const x of w) if (x > 0) h -= (x / s) * Math.log(x / s);
  return h / Math.log(w.length);
}

const fmt = (v: number | string): string => (typeof v === 'number' ? (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3)) : String(v)) : v);

function decide(criterion: string, measure: string, names: string[], values: number[], better: 'higher' | 'lower', tolerance: number): MatrixRow {
  const finite = values.map((v) => Number.isFinite(v));
  let winner: number | null = null;
  if (finite.filter(Boolean).length >= 2) {
    let bi = -1;
    for (let i = 0; i < values.length; i++) {
      if (!finite[i]) continue;
      if (bi < 0 || (better === 'higher' ? values[i] > values[bi] : values[i] < values[bi])) bi = i;
    }
    const others = values.filter((v, i) => i !== bi && finite[i]);
    const runnerUp = better === 'higher' ? Math.max(...others) : Math.min(...others);
    winner = Math.abs(values[bi] - runnerUp) > tolerance ? bi : null;
  }
  const list = names.map((n, i) => `${n} ${fmt(values[i])}`).join(' vs ');
  const verdict = winner === null ? `tie (within ${tolerance}): ${list}` : `${names[winner]} is better (${better} is better): ${list}`;
  return { criterion, measure, values, better, winner, verdict };
}

/** A row that is shown but never declares a winner: the quantity is not better-is-better. */
function infoRow(criterion: string, measure: string, names: string[], values: number[], why: string): MatrixRow {
  const list = names.map((n, i) => `${n} ${fmt(values[i])}`).join(' vs ');
  return { criterion, measure, values, better: 'n/a', winner: null, verdict: `information only (${why}): ${list}` };
}

/**
 * An F1 row decided on the 95 % intervals: a winner only when the best run's interval lies wholly
 * above every other run's; overlapping intervals are "no clear difference". Without intervals
 * (v1 reports) the difference must exceed NO_INTERVAL_TOLERANCE.
 */
function decideF1(criterion: string, measure: string, names: string[], values: number[], cis: ({ low: number; high: number } | null)[]): MatrixRow {
  const list = names.map((n, i) => `${n} ${fmt(values[i])}${cis[i] ? ` [${fmt(cis[i]!.low)}, ${fmt(cis[i]!.high)}]` : ''}`).join(' vs ');
  if (cis.some((c) => !c)) {
    const row = decide(criterion, measure, names, values, 'higher', NO_INTERVAL_TOLERANCE);
    return {
      ...row,
      intervals: cis,
      verdict: row.winner === null ? `no clear difference (no intervals; within ${NO_INTERVAL_TOLERANCE}): ${list}` : `${row.verdict} (no intervals)`,
    };
  }
  let bi = 0;
  values.forEach((v, i) => {
    if (v > values[bi]) bi = i;
  });
  const clear = cis.every((c, i) => i === bi || !intervalsOverlap(c!, cis[bi]!));
  return {
    criterion,
    measure,
    values,
    better: 'higher',
    winner: clear ? bi : null,
    verdict: clear ? `${names[bi]} is better (its 95 % interval lies above the others): ${list}` : `no clear difference (95 % intervals overlap): ${list}`,
    intervals: cis,
  };
}

export function compareRuns(reports: RunReport[], names?: string[]): Comparison {
  if (reports.length < 2) throw new Error('compareRuns needs at least two run reports');
  const runNames = reports.map((r, i) => names?.[i] ?? (r.runId !== null ? `run ${r.runId} (${r.model.head})` : `${r.model.head}#${i + 1}`));
  const maxE = Math.max(...reports.map((r) => r.curves.epoch.length));
  const axis = Array.from({ length: maxE }, (_, i) => i);
  const series = (f: (r: RunReport) => number[]) => reports.map((r) => axis.map((e) => (e < f(r).length ? f(r)[e] : null)));

  const matrix: MatrixRow[] = [
    decide(
      'convergence',
      'epochs to reach 90% of the start→best reduction of the validation criterion (unweighted span loss)',
      runNames,
      reports.map((r) => r.loss.epochsTo90),
      'lower',
      0,
    ),
    decide(
      'normalised loss reduction',
      '(L_start − L_best) / L_start, L = unweighted validation span loss (per bar)',
      runNames,
      reports.map((r) => r.loss.valCriterion.normalisedReduction),
      'higher',
      0.01,
    ),
    decide(
      'normalised efficiency',
      'normalised loss reduction per training minute',
      runNames,
      reports.map((r) => (r.timing.totalSeconds > 0 ? r.loss.valCriterion.normalisedReduction / (r.timing.totalSeconds / 60) : NaN)),
      'higher',
      0.001,
    ),
    infoRow(
      'task balance',
      'normalised entropy of the final task weights (1 = equal weights)',
      runNames,
      reports.map((r) => taskBalance(r.uncertainty.final.taskWeights)),
      "the weights follow each task's loss scale; more balance is not a better model",
    ),
    infoRow(
      'span task weight',
      'final weight of the span task, σ_span⁻² / Σ σ_j⁻² (share of the objective spent on spans)',
      runNames,
      reports.map((r) => r.uncertainty.final.taskWeights.span),
      'a higher span weight means a smaller span loss relative to the others, not a better detector',
    ),
    reports.some((r) => r.model.head === 'soft')
      ? infoRow(
          'calibration separation',
          'mean validation span probability inside labelled spans minus outside',
          runNames,
          reports.map((r) => r.metrics.calibration.separation),
          'a soft head is trained toward an edge-ramped target, so its separation is capped by the ramp, not by quality',
        )
      : decide(
          'calibration separation',
          'mean validation span probability inside labelled spans minus outside',
          runNames,
          reports.map((r) => r.metrics.calibration.separation),
          'higher',
          0.01,
        ),
    decideF1(
      'span F1',
      `${headlineSet(reports)} span F1 (IoU ≥ 0.5), threshold chosen on train (soft) or Viterbi (CRF), 95 % block-bootstrap interval`,
      runNames,
      reports.map((r) => reportHeadline(r).spanF1),
      reports.map((r) => reportHeadline(r).spanCI),
    ),
    decideF1(
      'bar F1',
      `${headlineSet(reports)} bar F1 of the headline decoder, 95 % block-bootstrap interval`,
      runNames,
      reports.map((r) => reportHeadline(r).barF1),
      reports.map((r) => reportHeadline(r).barCI),
    ),
  ];
  // Inference simplicity: fewer decoding steps/hyperparameters is simpler. soft = threshold + post-processing
  // (1 tuned threshold); crf = Viterbi over the tag lattice (O(T·K²), no threshold) + post-processing.
  const simplicity = reports.map((r) => (r.model.head === 'soft' ? 'threshold (1 tuned value)' : 'Viterbi O(T·K²), no threshold'));
  const heads = new Set(reports.map((r) => r.model.head));
  const softIdx = reports.findIndex((r) => r.model.head === 'soft');
  matrix.push({
    criterion: 'inference simplicity',
    measure: 'decoding needed after the forward pass',
    values: simplicity,
    better: 'n/a',
    winner: heads.size > 1 ? softIdx : null,
    verdict:
      heads.size > 1
        ? `${runNames[softIdx]} is simpler to run (a per-bar threshold, no dynamic programming); the CRF needs Viterbi but no tuned threshold`
        : 'same decoder for all runs',
  });

  return {
    schema: 'candlemark.comparison/1',
    runs: reports.map((r, i) => ({ name: runNames[i], runId: r.runId, head: r.model.head, encoder: r.model.encoder })),
    curves: {
      epoch: axis,
      valUnweighted: series((r) => r.curves.valUnweighted),
      valCriterion: series((r) => r.curves.valCriterion),
      valCriterionRelative: series((r) => r.curves.valCriterion.map((v) => v / r.curves.valCriterion[0])),
      trainUnweighted: series((r) => r.curves.trainUnweighted),
      valBarF1: series((r) => r.curves.valBarF1),
      spanTaskWeight: series((r) => r.curves.taskWeights.span),
    },
    configDiff: diffConfigs(reports.map((r) => ({ model: r.model, config: r.config, backend: r.backend, device: r.device }))),
    matrix,
  };
}

/** Which windows the F1 rows are on: 'test-block', 'validation', or a mix (said so). */
function headlineSet(reports: RunReport[]): string {
  const on = new Set(reports.map((r) => reportHeadline(r).on));
  return on.size > 1 ? 'headline (test block where the run has one, else validation)' : on.has('test') ? 'test-block' : 'validation';
}

const cell = (v: unknown): string => {
  if (typeof v === 'number') return fmt(v);
  if (v === undefined) return '—';
  return (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\|/g, '\\|');
};

export function renderComparisonMarkdown(c: Comparison, opts: { curveRows?: number } = {}): string {
  const names = c.runs.map((r) => r.name);
  const lines: string[] = [];
  lines.push('# Run comparison', '');
  lines.push('| run | id | head | encoder |', '| --- | --- | --- | --- |');
  for (const r of c.runs) lines.push(`| ${cell(r.name)} | ${r.runId ?? '—'} | ${r.head} | ${r.encoder} |`);
  lines.push('', '## Decision matrix', '');
  lines.push(`| criterion | ${names.map(cell).join(' | ')} | better | verdict |`);
  lines.push(`| --- | ${names.map(() => '---').join(' | ')} | --- | --- |`);
  for (const row of c.matrix) {
    const vals = row.values.map((v, i) => (row.winner === i ? `**${cell(v)}**` : cell(v)));
    lines.push(`| ${row.criterion} | ${vals.join(' | ')} | ${row.better} | ${cell(row.verdict)} |`);
  }
  lines.push('', '## Config differences', '');
  if (c.configDiff.length === 0) lines.push('(none)');
  else {
    lines.push(`| key | ${names.map(cell).join(' | ')} |`, `| --- | ${names.map(() => '---').join(' | ')} |`);
    for (const d of c.configDiff) lines.push(`| ${d.key} | ${d.values.map(cell).join(' | ')} |`);
  }
  lines.push('', '## Curves (validation criterion relative to epoch 0; validation bar F1 at 0.5)', '');
  const n = c.curves.epoch.length;
  const want = opts.curveRows ?? 11;
  const idx = n <= want ? c.curves.epoch : [...new Set(Array.from({ length: want }, (_, i) => Math.round((i * (n - 1)) / (want - 1))))];
  lines.push(`| epoch | ${names.map((x) => `${cell(x)} rel. loss | ${cell(x)} bar F1`).join(' | ')} |`);
  lines.push(`| --- | ${names.map(() => '--- | ---').join(' | ')} |`);
  for (const e of idx) {
    const parts = names.map((_, r) => `${cell(c.curves.valCriterionRelative[r][e] ?? '—')} | ${cell(c.curves.valBarF1[r][e] ?? '—')}`);
    lines.push(`| ${e} | ${parts.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}

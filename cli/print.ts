/** How CLI results look to a person. With --json these print nothing: the JSON line is the output. */
import type { CommandResult } from '../core/service/service.ts';
import { formatDuration } from './progress.ts';
import type { RunReport } from '../core/ml/eval/index.ts';
import type { ReviewSummary, ReviewWindowRow } from '../core/review/types.ts';

const date = (t: number | null) => (t == null ? '-' : new Date(t).toISOString().replace('.000Z', 'Z'));
const pct = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? '--' : `${(x * 100).toFixed(1)}%`);
const f3 = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? '--' : x.toFixed(3));

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function printers(print: (s: string) => void, json: boolean) {
  const say = (s: string) => {
    if (!json) print(s);
  };
  return {
    info(info: CommandResult<'project.info'>) {
      say(`project ${info.path}`);
      if (info.series.length === 0) say('no series yet: candlemark import CSV --project FILE');
      else
        say(
          table([
            ['series', 'bars', 'first', 'last', 'volume'],
            ...info.series.map((s) => [s.id, String(s.barCount), date(s.firstTime), date(s.lastTime), s.hasVolume ? 'yes' : 'no']),
          ]),
        );
      if (info.windowSets.length) {
        say('');
        say(
          table([
            ['window set', 'series', 'origin', 'length', 'stride', 'split', 'windows'],
            ...info.windowSets.map((w) => [String(w.id), w.seriesId, w.origin, String(w.length), String(w.stride ?? '-'), w.split, String(w.windowCount)]),
          ]),
        );
      }
      const c = info.counts;
      say('');
      say(`windows ${c.windows}: labelled ${c.labelledWindows}, unlabelled ${c.unlabelledWindows}, in conflict ${c.windowsInConflict}`);
      say(`labels ${c.labels} (types: ${info.labelTypes.map((t) => t.name).join(', ')})`);
      say(`conflicts: ${c.findings.open} open, ${c.findings.resolved} resolved, ${c.findings.ignored} ignored`);
      say(`training runs: ${c.runs}`);
    },
    imported(r: CommandResult<'series.import'>) {
      say(`imported series "${r.series.id}": ${r.series.barCount} bars, ${date(r.series.firstTime)} .. ${date(r.series.lastTime)}`);
      for (const w of r.warnings.slice(0, 20)) say(`  warning: ${w}`);
    },
    windowSet(s: CommandResult<'windows.create'>) {
      say(`window set ${s.id}: ${s.windowCount} windows of ${s.length} bars, stride ${s.stride}, ${s.split} split (validation ${pct(s.valFraction)})`);
    },
    labelsImported(r: CommandResult<'labels.import'>) {
      if (r.seriesImported.length) say(`imported series: ${r.seriesImported.join(', ')}`);
      say(`imported ${r.windows} windows with ${r.spans} spans; open conflicts: ${r.openConflicts}`);
    },
    labelsExported(r: CommandResult<'labels.export'>) {
      say(`wrote ${r.windows} windows with ${r.spans} spans to ${r.path}`);
    },
    findings(findings: CommandResult<'conflicts.list'>) {
      if (findings.length === 0) return say('no conflicts');
      const sorted = [...findings].sort((a, b) => b.severity - a.severity);
      say(
        table([
          ['id', 'kind', 'windows', 'bars', 'severity', 'status', 'what'],
          ...sorted.map((f) => [String(f.id), f.kind, `${f.windowA}/${f.windowB}`, `${f.startIndex}-${f.endIndex}`, f3(f.severity), f.status, f.message]),
        ]),
      );
    },
    demo(r: CommandResult<'demo.create'>) {
      say(
        `demo project: series "${r.seriesId}" (${r.bars} bars), ${r.windows} windows${r.unlabelledWindows ? ` (${r.unlabelledWindows} left to label)` : ''}, ${r.spans} spans, ${r.plantedContradictions} planted contradictions, ${r.openConflicts} open conflicts`,
      );
    },
    trained(r: CommandResult<'train.run'>, seconds: number) {
      say(`run ${r.runId} ${r.status} in ${formatDuration(seconds)} on ${r.backend} (${r.device})`);
      if (r.report) say(summariseReport(r.report));
    },
    runs(runs: CommandResult<'runs.list'>) {
      if (runs.length === 0) return say('no runs');
      say(
        table([
          ['run', 'model', 'status', 'backend', 'started', 'epochs', 'span F1 (val)'],
          ...runs.map((r) => [String(r.id), r.model, r.status, r.backend, date(r.startedAt), String(r.epochs), f3(r.spanF1)]),
        ]),
      );
    },
    report(run: CommandResult<'runs.get'>) {
      say(`run ${run.id} (${run.model}, ${run.status}, ${run.backend} / ${run.device})`);
      if (run.report) say(summariseReport(run.report));
      // Issue #12: model-written labels nobody confirmed never count as validation truth; say how many were left out.
      const u = (run.dataSnapshot as { unconfirmed?: { valWindowsExcluded: number; trainWindowsUsed: number; trainWindowsExcluded: number } } | null)
        ?.unconfirmed;
      if (u) {
        say(
          `unconfirmed model-written labels: ${u.valWindowsExcluded} validation window(s) left out of scoring; ${u.trainWindowsUsed} training window(s) used, ${u.trainWindowsExcluded} left out`,
        );
      }
    },
    reportExported(r: { runId: number; format: string; path: string; bytes: number }) {
      say(`wrote run ${r.runId}'s report (${r.format === 'html' ? 'self-contained HTML' : 'Markdown'}, ${(r.bytes / 1024).toFixed(0)} KiB) to ${r.path}`);
    },
    comparison(r: CommandResult<'runs.compare'>) {
      say(r.markdown);
    },
    predictions(r: CommandResult<'runs.predict'>) {
      say(`predicted ${r.windows} windows: ${r.spans} spans`);
    },
    agreement(r: CommandResult<'agreement.compute'>) {
      const n = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '--');
      say(`${r.annotators.length} annotator(s): ${r.annotators.map((a) => `${a} (${r.spansByAnnotator[a] ?? 0} spans)`).join(', ') || 'none'}`);
      say(`${r.sharedWindows} window(s) labelled by two or more; Krippendorff's alpha (nominal, per bar) ${n(r.alpha)}`);
      if (r.pairs.length) {
        say(
          `\n${table([['annotator', 'annotator', 'shared windows', `span F1 (IoU >= ${r.minIou})`, "Cohen's kappa (bars)"], ...r.pairs.map((p) => [p.a, p.b, String(p.windows), n(p.spanF1), n(p.kappa)])])}`,
        );
      }
      if (r.vsConsensus.some((c) => c.windows > 0)) {
        say(
          `\nagainst the consensus (majority per bar):\n${table([['annotator', 'shared windows', 'span F1', "Cohen's kappa (bars)"], ...r.vsConsensus.filter((c) => c.windows > 0).map((c) => [c.annotator, String(c.windows), n(c.spanF1), n(c.kappa)])])}`,
        );
      }
      if (r.disagreements.length) {
        say(
          `\ndisagreements (most bars first):\n${table([['window', 'annotators', 'bars differing'], ...r.disagreements.slice(0, 20).map((d) => [String(d.windowId), d.annotators.join(', '), String(d.bars)])])}`,
        );
        if (r.disagreements.length > 20) say(`… and ${r.disagreements.length - 20} more (--json lists all)`);
      }
    },
    review(summary: ReviewSummary, listed: ReviewWindowRow[], queue: ReviewWindowRow[]) {
      const c = summary.counts;
      say(`run ${summary.runId} (${summary.head}) on window set ${summary.setId}: ${summary.windows.length} windows, ${summary.decided} decided`);
      say(
        `  agree ${c.agree} · missed ${c.missed} · extra ${c.extra} · boundary ${c.boundary} (> ${summary.boundaryTolerance} bars) · type ${c.type} · unlabelled ${c.unlabelled}`,
      );
      const rows = (list: ReviewWindowRow[]) =>
        table([
          ['window', 'series', 'start', 'role', 'status', 'predicted spans', 'labels', 'unconfirmed', 'uncertainty', 'decision'],
          ...list.map((w) => [
            String(w.windowId),
            w.seriesId,
            date(w.startTime),
            w.role,
            w.status,
            String(w.predicted.length),
            String(w.labelCount),
            String(w.unconfirmed),
            f3(w.uncertainty),
            w.decision ?? '-',
          ]),
        ]);
      // Issue #12: model-written labels nobody confirmed yet are not the analyst's (kept out of validation scoring).
      const unconfirmed = summary.windows.filter((w) => w.unconfirmed > 0);
      if (unconfirmed.length) {
        const val = unconfirmed.filter((w) => w.role === 'val').length;
        say(
          `  ${unconfirmed.length} window(s) hold model-written labels nobody confirmed (${val} validation, left out of scoring): candlemark review --confirm WINDOW`,
        );
      }
      if (listed.length) say(`\n${rows(listed)}`);
      if (queue.length) say(`\nlabel next (training windows, least sure first, overlapping windows last):\n${rows(queue)}`);
    },
  };
}

/** A few lines a person reads first; the whole report is in --json (fields: docs/ml.md). */
export function summariseReport(report: unknown): string {
  const r = report as RunReport;
  const lines: string[] = [];
  const loss = r.loss?.valUnweighted;
  if (loss) {
    lines.push(
      `validation loss (unweighted sum of per-bar task losses): start ${f3(loss.start)}, best ${f3(loss.best)} at epoch ${loss.bestEpoch}, final ${f3(loss.final)} (${f3(loss.reductionPct)}% reduction)`,
    );
  }
  if (r.loss) {
    const kept = r.loss.keptEpoch ?? r.loss.valCriterion.bestEpoch;
    lines.push(
      `kept epoch ${kept}: ${r.loss.keptBy === 'span-f1' ? 'highest validation span F1 (ties: lower span loss); the test block saw no choice' : 'lowest validation span loss'}`,
    );
  }
  // issue #11: the headline is on the held-out test block (v2 reports), with its 95 % interval.
  if (r.headline) {
    const h = r.headline;
    const ci = (c: { low: number; high: number } | null) => (c ? ` [${f3(c.low)}, ${f3(c.high)}]` : '');
    lines.push(
      `HEADLINE on the ${h.on === 'test' ? `held-out test block (${h.windows} windows)` : `validation windows (${h.windows}; no test block)`}: span F1 ${f3(h.spanF1)}${ci(h.spanCI)}, bar F1 ${f3(h.barF1)}${ci(h.barCI)} (95 % block-bootstrap)`,
    );
    if (h.test)
      lines.push(
        `  validation beside it: span F1 ${f3(h.validation.spanF1)}${ci(h.validation.spanCI)}, bar F1 ${f3(h.validation.barF1)}${ci(h.validation.barCI)}`,
      );
    for (const n of r.dataset?.notes ?? []) lines.push(`  note: ${n}`);
    const sl = r.seriesLevel?.test ?? r.seriesLevel?.validation;
    if (sl)
      lines.push(
        `  series-level (overlapping windows stitched, each of ${sl.bars} bars once; ${sl.windowBars} window-bars): span F1 ${f3(sl.span.f1)}, bar F1 ${f3(sl.bar.f1)}`,
      );
    const bt = (f: { spanF1: number } | null | undefined) => (f ? f3(f.spanF1) : '—');
    if (r.baselines?.rule || r.baselines?.logistic) {
      lines.push(
        `baselines on the ${h.on === 'test' ? 'test block' : 'validation windows'} (span F1): rule heuristic ${bt(h.on === 'test' ? r.baselines.rule?.test : r.baselines.rule?.validation)}, per-bar logistic regression ${bt(h.on === 'test' ? r.baselines.logistic?.test : r.baselines.logistic?.validation)}`,
      );
    }
    if (r.temperature) {
      const t = r.temperature;
      lines.push(
        `calibration (${t.judgedOn}): ECE ${f3(t.before.ece)}, Brier ${f3(t.before.brier)}; temperature τ ${f3(t.tau)} (fitted on validation) → ECE ${f3(t.after.ece)}, Brier ${f3(t.after.brier)}`,
      );
    }
  }
  const m = r.metrics;
  if (m) {
    lines.push(
      `validation span F1 ${f3(m.val.span.f1)} (threshold ${f3(m.threshold.span)}), bar F1 ${f3(m.val.bar.f1)} (threshold ${f3(m.threshold.bar)}); thresholds chosen on ${m.threshold.chosenOn === 'validation' ? 'validation' : 'training'} data`,
    );
    if (m.viterbi) lines.push(`CRF Viterbi: validation span F1 ${f3(m.viterbi.val.span.f1)}, bar F1 ${f3(m.viterbi.val.bar.f1)}`);
    lines.push(`headline (${m.headline.decoder}): span F1 ${f3(m.headline.spanF1)}, bar F1 ${f3(m.headline.barF1)}`);
    lines.push(
      `calibration: mean p inside spans ${f3(m.calibration.meanInside)}, outside ${f3(m.calibration.meanOutside)}, separation ${f3(m.calibration.separation)}`,
    );
    lines.push(
      `pointer hit ±${m.pointer.k}: start ${pct(m.pointer.start)}, end ${pct(m.pointer.end)}; type accuracy ${pct(m.type.accuracy)}; countdown MAE ${f3(m.countdown.mae)} bars`,
    );
  }
  if (r.baselines) {
    lines.push(
      `baselines: untrained span F1 ${f3(r.baselines.untrained.headline.spanF1)}, bar F1 ${f3(r.baselines.untrained.headline.barF1)}; all-span prevalence bar F1 ${f3(r.baselines.allSpan.barF1)} (p = ${f3(r.baselines.allSpan.prevalence)})`,
    );
  }
  if (r.overfitting?.detected) lines.push(`overfitting: validation loss rising while training loss falls from epoch ${r.overfitting.beganAtEpoch}`);
  const w = r.uncertainty?.atBest?.taskWeights;
  if (w)
    lines.push(
      `task weights at the kept epoch (σ⁻² normalised): ${Object.entries(w)
        .map(([k, v]) => `${k} ${f3(v)}`)
        .join(', ')}`,
    );
  return lines.join('\n');
}

/**
 * One completed run's report (runs.get → RunReport): headline vs. baselines, the loss curve, a
 * threshold slider over the validation sweep with the chosen threshold marked (chosen on validation
 * when the run has a test block, else on train: metrics.threshold.chosenOn), the
 * calibration histogram (with the slider's threshold on it), a walk-forward run's folds, and export as HTML or Markdown
 * (runs.exportReport → download).
 */
import { useEffect, useMemo, useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { RunDetail, RunReport } from '../api/types.ts';
import { downloadText } from './download.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { CalibrationHistogram } from './results/CalibrationHistogram.tsx';
import { fmtDuration, fmtNum } from './results/format.ts';
import { StatusChip } from './results/StatusChip.tsx';
import { HeadlineLine } from './results/ConfidenceInterval.tsx';
import { CrossValidationTable } from './results/CrossValidationTable.tsx';
import { ReliabilityDiagram } from './results/ReliabilityDiagram.tsx';
import { LinePlot, PLOT_COLORS, type PlotOptions } from './SvgPlot.tsx';

export function RunReportCard({ runId, onClose }: { runId: number; onClose(): void }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let dead = false;
    call('runs.get', { runId }).then(
      (r) => !dead && setRun(r),
      (e) => !dead && setError(toApiError(e)),
    );
    return () => {
      dead = true;
    };
  }, [runId]);

  const exportAs = async (format: 'html' | 'md') => {
    try {
      const r = await call('runs.exportReport', { runId, format });
      downloadText(r.fileName, r.text, format === 'html' ? 'text/html' : 'text/markdown');
    } catch (e) {
      setError(toApiError(e));
    }
  };

  /** The run's predictions on the set it trained on, in the labels interchange format. */
  const exportPredictions = async (format: 'json' | 'csv') => {
    try {
      const r = await call('runs.exportPredictions', { runId, format });
      downloadText(r.fileName, r.text, format === 'json' ? 'application/json' : 'text/csv');
    } catch (e) {
      setError(toApiError(e));
    }
  };

  return (
    <section className="card report" data-testid="run-report" data-run-id={runId}>
      <div className="card-head">
        <h2>
          Run {runId} report{run ? ` · ${run.model}` : ''}
        </h2>
        {run && <StatusChip status={run.status} />}
        <div className="spacer" />
        {run?.report && (
          <>
            {/* A hash link: the workbench opens the run's window set in review mode (state/route.ts). */}
            <a
              className="btn small primary"
              href={`#/set/${Number(run.config.setId)}?review=${runId}`}
              data-testid="review-run"
              title="Predicted spans over the chart, against the labels"
            >
              Review predictions
            </a>
            <button className="btn small" onClick={() => void exportAs('html')} data-testid="export-html">
              Export report (HTML)
            </button>
            <button className="btn small" onClick={() => void exportAs('md')} data-testid="export-md">
              Export (Markdown)
            </button>
            <button
              className="btn small"
              onClick={() => void exportPredictions('json')}
              data-testid="export-predictions-json"
              title="Every window of the set with the spans this run predicts (labels interchange format; score = confidence)"
            >
              Predictions (JSON)
            </button>
            <button className="btn small" onClick={() => void exportPredictions('csv')} data-testid="export-predictions-csv" title="The same as CSV">
              (CSV)
            </button>
          </>
        )}
        <button className="icon-btn" onClick={onClose} aria-label="Close report" data-testid="report-close">
          ×
        </button>
      </div>
      <ErrorBox error={error} onDismiss={() => setError(null)} testId="report-error" />
      {!run && !error && <p className="muted">Loading…</p>}
      {run && !run.report && <p className="muted">This run has no report ({run.status}).</p>}
      {run?.report && <ReportBody report={run.report} />}
    </section>
  );
}

function ReportBody({ report }: { report: RunReport }) {
  const m = report.metrics;
  const u = report.baselines.untrained;
  const a = report.baselines.allSpan;
  const c = report.curves;
  // The kept epoch (reports before 2026-12-05 kept the span loss's minimum).
  const best = report.loss.keptEpoch ?? report.loss.valCriterion.bestEpoch;
  const lossPlot = useMemo<PlotOptions>(
    () => ({
      title: 'Loss per epoch (0 = initialisation)',
      x: c.epoch,
      series: [
        { name: 'train (unweighted)', color: PLOT_COLORS.train, values: c.trainUnweighted },
        { name: 'validation (unweighted)', color: PLOT_COLORS.val, values: c.valUnweighted },
      ],
      markers: [{ x: best, label: `kept: epoch ${best}`, color: PLOT_COLORS.marker }],
      xLabel: 'epoch',
      yLabel: 'loss',
      integerX: true,
      width: 520,
      height: 250,
    }),
    [c, best],
  );
  return (
    <div className="report-grid">
      <div>
        <div className="muted small report-meta">
          {report.model.head} · {report.model.encoder} · hidden {report.model.hidden}
          {report.model.ensemble > 1 ? ` · ensemble ${report.model.ensemble}` : ''} · {report.backend} ({report.device}) · {report.timing.epochsRun} epochs in{' '}
          {fmtDuration(report.timing.totalSeconds)}
          {report.timing.stoppedEarly ? ' · stopped early' : ''} · {report.data.trainWindows} train / {report.data.valWindows} val windows
        </div>
        <HeadlineLine report={report} />
        <CrossValidationTable report={report} />
        <table className="table" data-testid="report-headline">
          <thead>
            <tr>
              <th>Validation</th>
              <th className="num">span F1</th>
              <th className="num">bar F1</th>
              <th>how</th>
            </tr>
          </thead>
          <tbody>
            <tr className="headline-row">
              <td>
                <strong>this model</strong>
              </td>
              <td className="num" data-testid="report-span-f1">
                <strong>{fmtNum(m.headline.spanF1)}</strong>
              </td>
              <td className="num">{fmtNum(m.headline.barF1)}</td>
              <td className="small muted">
                {m.headline.decoder === 'viterbi'
                  ? 'Viterbi decoding'
                  : `thresholds chosen on ${m.threshold.chosenOn === 'validation' ? 'validation' : 'train'} (span ${fmtNum(m.threshold.span, 2)}, bar ${fmtNum(m.threshold.bar, 2)})`}
              </td>
            </tr>
            <tr>
              <td>untrained (same architecture)</td>
              <td className="num">{fmtNum(u.headline.spanF1)}</td>
              <td className="num">{fmtNum(u.headline.barF1)}</td>
              <td className="small muted">baseline</td>
            </tr>
            <tr>
              <td>every bar in a span</td>
              <td className="num">{fmtNum(a.spanF1)}</td>
              <td className="num">{fmtNum(a.barF1)}</td>
              <td className="small muted">baseline, prevalence {fmtNum(a.prevalence)}</td>
            </tr>
            <tr>
              <td>tuned on validation</td>
              <td className="num">{fmtNum(m.valTunedOptimistic.spanF1)}</td>
              <td className="num">{fmtNum(m.valTunedOptimistic.barF1)}</td>
              <td className="small muted">optimistic, for reference only</td>
            </tr>
          </tbody>
        </table>
        <table className="table compact">
          <tbody>
            <tr>
              <td>train span / bar F1</td>
              <td className="num">
                {fmtNum(m.train.spanF1)} / {fmtNum(m.train.barF1)}
              </td>
              <td>pointer hit ±{m.pointer.k}</td>
              <td className="num">{fmtNum(m.pointer.both)}</td>
            </tr>
            <tr>
              <td>type accuracy</td>
              <td className="num">{fmtNum(m.type.accuracy)}</td>
              <td>countdown MAE (bars)</td>
              <td className="num">{fmtNum(m.countdown.mae, 2)}</td>
            </tr>
            <tr>
              <td>val criterion start → best</td>
              <td className="num">
                {fmtNum(report.loss.valCriterion.start)} → {fmtNum(report.loss.valCriterion.best)}
              </td>
              <td>overfitting</td>
              <td className="num">{report.overfitting.detected ? 'yes' : 'no'}</td>
            </tr>
            <tr>
              <td>kept epoch</td>
              <td className="num" data-testid="report-kept-epoch">
                {best} / {report.timing.epochsRun}
              </td>
              <td colSpan={2} className="muted">
                {report.loss.keptBy === 'span-f1'
                  ? 'highest validation span F1 (ties: lower span loss); the test block saw no choice'
                  : 'lowest validation span loss'}
              </td>
            </tr>
          </tbody>
        </table>
        <LinePlot options={lossPlot} testId="report-loss" />
      </div>
      <ThresholdExplorer report={report} />
    </div>
  );
}

function ThresholdExplorer({ report }: { report: RunReport }) {
  const points = report.metrics.sweep.val;
  const chosen = report.metrics.threshold.span;
  const chosenBar = report.metrics.threshold.bar;
  // Where the thresholds were chosen: validation (runs with a test block) or train (none; older reports).
  const where = report.metrics.threshold.chosenOn === 'validation' ? 'validation' : 'train';
  const chosenIndex = Math.max(
    0,
    points.findIndex((p) => p.threshold === chosen),
  );
  const [index, setIndex] = useState(chosenIndex);
  const p = points[Math.min(index, points.length - 1)];
  const plot = useMemo<PlotOptions>(
    () => ({
      title: 'Validation F1 by threshold',
      x: points.map((q) => q.threshold),
      series: [
        { name: 'span F1', color: PLOT_COLORS.span, values: points.map((q) => q.spanF1) },
        { name: 'bar F1', color: PLOT_COLORS.bar, values: points.map((q) => q.barF1) },
      ],
      markers: [
        { x: chosen, label: `${where}-chosen (span) ${chosen.toFixed(2)}`, color: PLOT_COLORS.marker },
        ...(chosenBar !== chosen ? [{ x: chosenBar, label: `${where}-chosen (bar) ${chosenBar.toFixed(2)}`, color: PLOT_COLORS.bar }] : []),
        ...(p && p.threshold !== chosen ? [{ x: p.threshold, label: `slider ${p.threshold.toFixed(2)}`, color: PLOT_COLORS.slider }] : []),
      ],
      xLabel: 'threshold on span probability',
      yLabel: 'F1',
      yDomain: [0, 1],
      // The calibration histogram below spans 0..1 too: the threshold lines up in both plots.
      xDomain: [0, 1],
      width: 520,
      height: 250,
    }),
    [points, chosen, chosenBar, p, where],
  );
  if (!p) return <p className="muted">No threshold sweep in this report.</p>;
  return (
    <div className="threshold" data-testid="threshold">
      <h3>Threshold</h3>
      <label className="slider">
        <span>
          threshold <strong data-testid="threshold-value">{p.threshold.toFixed(2)}</strong>
          {p.threshold === chosen && <span className="chip ok">{where}-chosen (span)</span>}
          {p.threshold === chosenBar && <span className="chip ok">{where}-chosen (bar)</span>}
        </span>
        <input
          type="range"
          min={0}
          max={points.length - 1}
          step={1}
          value={index}
          onChange={(e) => setIndex(Number(e.target.value))}
          aria-label="threshold"
          data-testid="threshold-slider"
        />
      </label>
      <div className="live-stats">
        <div>
          <div className="stat-value" data-testid="threshold-span-f1">
            {fmtNum(p.spanF1)}
          </div>
          <div className="stat-label">span F1 (validation)</div>
        </div>
        <div>
          <div className="stat-value" data-testid="threshold-bar-f1">
            {fmtNum(p.barF1)}
          </div>
          <div className="stat-label">bar F1 (validation)</div>
        </div>
        <button className="btn small" onClick={() => setIndex(chosenIndex)} disabled={index === chosenIndex} data-testid="threshold-reset">
          Back to {where}-chosen
        </button>
      </div>
      {report.metrics.headline.decoder === 'viterbi' && (
        <p className="muted small">CRF: the headline uses Viterbi decoding; this sweep thresholds its span probabilities.</p>
      )}
      {/* The slider is a what-if on validation: it changes nothing else. Say which threshold review draws with. */}
      <p className="muted small" data-testid="threshold-review-note">
        Review predictions draws spans at the {where}-chosen span threshold <strong>{chosen.toFixed(2)}</strong>
        {report.metrics.headline.decoder === 'viterbi' ? ' (CRF: the Viterbi path)' : ''}; this slider only shows how validation F1 would change
        {where === 'validation' ? ' (validation chose it, so its F1 there is optimistic: the headline is on the test block)' : ''}.
      </p>
      <LinePlot options={plot} testId="threshold-plot" />
      <h3>Calibration</h3>
      <CalibrationHistogram calibration={report.metrics.calibration} threshold={p.threshold} />
      <ReliabilityDiagram report={report} />
    </div>
  );
}

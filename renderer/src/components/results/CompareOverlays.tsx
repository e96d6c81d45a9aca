/**
 * The compared runs' curves on shared axes, one colour per run: the validation criterion per
 * epoch (the loss the kept epoch is chosen by; ringed at each run's kept epoch) and validation span
 * F1 against the threshold (ringed at each run's chosen threshold: on validation with a test block, else on train). Soft and CRF losses sit
 * on different scales, so the loss plot can also show each run relative to its own epoch 0.
 */
import { useMemo, useState } from 'react';
import type { Comparison, RunReport } from '../../api/types.ts';
import { LinePlot, RUN_COLORS, type PlotOptions, type PlotSeries } from '../SvgPlot.tsx';

/** Drawn at about the size they get (half the runs card on a laptop), so text isn't scaled up. */
const COMPARE_WIDTH = 640;
const COMPARE_HEIGHT = 300;

export interface RunStyle {
  /** data-series of the run's curves: "run-<id>". */
  key: string;
  /** Legend name: "#<id> · <head> · <encoder>". */
  name: string;
  color: string;
  dashed: boolean;
}

/** The same colour for a run in every overlay and in the tables' headers. */
export function runStyles(c: Comparison): RunStyle[] {
  const encoders = new Set(c.runs.map((r) => r.encoder));
  return c.runs.map((r, i) => ({
    key: `run-${r.runId ?? i}`,
    name: `#${r.runId ?? i + 1} · ${r.head}${encoders.size > 1 ? ` · ${r.encoder}` : ''}`,
    color: RUN_COLORS[i % RUN_COLORS.length],
    dashed: i >= RUN_COLORS.length,
  }));
}

/** Every threshold any run was swept at, ascending; a run lacking one has a gap there. */
/** Where the compared runs chose their soft threshold (validation with a test block, train otherwise or in older reports). */
function chosenOn(reports: RunReport[]): string {
  const where = new Set(reports.map((r) => (r.metrics.threshold.chosenOn === 'validation' ? 'validation' : 'train')));
  return where.size === 1 ? [...where][0] : 'validation or train (see each report)';
}

function thresholdAxis(reports: RunReport[]): number[] {
  return [...new Set(reports.flatMap((r) => r.metrics.sweep.val.map((p) => p.threshold)))].sort((a, b) => a - b);
}

export function CompareOverlays({ comparison, reports }: { comparison: Comparison; reports: RunReport[] }) {
  const [relative, setRelative] = useState(false);
  const styles = useMemo(() => runStyles(comparison), [comparison]);

  const loss = useMemo<PlotOptions>(() => {
    const values = relative ? comparison.curves.valCriterionRelative : comparison.curves.valCriterion;
    const series: PlotSeries[] = styles.map((s, i) => ({
      ...s,
      id: s.key,
      values: values[i],
      highlight: reports[i] ? (reports[i].loss.keptEpoch ?? reports[i].loss.valCriterion.bestEpoch) : null,
    }));
    return {
      title: relative ? 'Validation loss relative to epoch 0 (span + countdown)' : 'Validation loss per epoch (span + countdown, unweighted)',
      x: comparison.curves.epoch,
      series,
      xLabel: 'epoch (0 = initialisation)',
      yLabel: relative ? 'loss / loss at epoch 0' : 'loss',
      yScale: relative ? 'linear' : 'auto',
      integerX: true,
      highlightLabel: '○ each run’s lowest validation loss: the epoch whose weights were kept',
      width: COMPARE_WIDTH,
      height: COMPARE_HEIGHT,
    };
  }, [comparison, reports, styles, relative]);

  const f1 = useMemo<PlotOptions>(() => {
    const axis = thresholdAxis(reports);
    const series: PlotSeries[] = styles.map((s, i) => {
      const byT = new Map((reports[i]?.metrics.sweep.val ?? []).map((p) => [p.threshold, p.spanF1]));
      const chosen = reports[i]?.metrics.threshold.span;
      return { ...s, id: s.key, values: axis.map((t) => byT.get(t) ?? null), highlight: chosen == null ? null : axis.indexOf(chosen) };
    });
    return {
      title: 'Validation span F1 by threshold',
      x: axis,
      series,
      xLabel: 'threshold on span probability',
      yLabel: 'span F1',
      yDomain: [0, 1],
      xDomain: [0, 1],
      highlightLabel: reports.some((r) => r.metrics.headline.decoder === 'viterbi')
        ? `○ threshold chosen on ${chosenOn(reports)} · CRF headlines use Viterbi, not a threshold`
        : `○ threshold chosen on ${chosenOn(reports)} (the headline figure)`,
      width: COMPARE_WIDTH,
      height: COMPARE_HEIGHT,
    };
  }, [reports, styles]);

  return (
    <>
      <div className="card-head compare-head">
        <h3>Curves</h3>
        <div className="spacer" />
        <label className="compare-toggle" title="Divide each run's loss by its value at initialisation: soft and CRF losses have different scales">
          <input type="checkbox" checked={relative} onChange={(e) => setRelative(e.target.checked)} data-testid="compare-relative" />
          relative to epoch 0
        </label>
      </div>
      <div className="compare-plots">
        <LinePlot options={loss} testId="compare-loss-overlay" />
        <LinePlot options={f1} testId="compare-f1-overlay" />
      </div>
    </>
  );
}

/**
 * How well the span probability separates bars inside labelled spans from bars outside, on
 * validation: the share of each group per probability bin (so a small in-span group is as visible
 * as a large out-of-span one), the two means, and the threshold the analyst is looking at. A
 * well-separated model piles "out" bars on the left and "in" bars on the right of the threshold.
 */
import { useMemo } from 'react';
import type { RunReport } from '../../api/types.ts';
import { HistogramPlot, PLOT_COLORS, type HistogramPlotOptions } from '../SvgPlot.tsx';
import { formatTick } from './plot-geometry.ts';
import { fmtNum, fmtPct } from './format.ts';

type Calibration = RunReport['metrics']['calibration'];

/**
 * Share of a group at or above the threshold (the report thresholds `p >= t`), from the
 * histogram. Exact only when the threshold is a bin edge (the default sweep steps by 0.05, the
 * same as the 20 bins); otherwise null rather than an interpolated guess.
 */
export function shareAtOrAbove(edges: number[], hist: number[], threshold: number): number | null {
  const bins = edges.length - 1;
  const k = edges.findIndex((e) => Math.abs(e - threshold) < 1e-9);
  if (bins < 1 || k < 0) return null;
  let s = 0;
  for (let b = k; b < bins; b++) s += hist[b] ?? 0;
  return s;
}

const pctTick = (v: number) => `${formatTick(v * 100)}%`;
const int = (v: number) => Math.round(v).toLocaleString('en');

export function CalibrationHistogram({ calibration: c, threshold }: { calibration: Calibration; threshold?: number | null }) {
  const options = useMemo<HistogramPlotOptions>(() => {
    const markers: HistogramPlotOptions['markers'] = [];
    if (c.countOutside > 0) markers.push({ id: 'mean-outside', x: c.meanOutside, label: `mean out ${fmtNum(c.meanOutside, 2)}`, color: PLOT_COLORS.outside });
    if (c.countInside > 0) markers.push({ id: 'mean-inside', x: c.meanInside, label: `mean in ${fmtNum(c.meanInside, 2)}`, color: PLOT_COLORS.inside });
    if (threshold != null) markers.push({ id: 'threshold', x: threshold, label: `threshold ${threshold.toFixed(2)}`, color: PLOT_COLORS.slider });
    return {
      title: 'Calibration: span probability of validation bars',
      edges: c.edges,
      series: [
        { id: 'inside', name: `in a labelled span (${int(c.countInside)} bars)`, color: PLOT_COLORS.inside, values: c.histInside },
        { id: 'outside', name: `outside spans (${int(c.countOutside)} bars)`, color: PLOT_COLORS.outside, values: c.histOutside },
      ],
      markers,
      xLabel: 'predicted span probability',
      yLabel: 'share of the group',
      yFormat: pctTick,
      width: 520,
      height: 260,
    };
  }, [c, threshold]);

  const inAbove = threshold != null ? shareAtOrAbove(c.edges, c.histInside, threshold) : null;
  const outAbove = threshold != null ? shareAtOrAbove(c.edges, c.histOutside, threshold) : null;
  return (
    <div className="calibration" data-testid="calibration-histogram" data-count-inside={c.countInside} data-count-outside={c.countOutside}>
      {c.countInside === 0 && <p className="muted small">No validation bar lies in a labelled span: only the out-of-span group can be shown.</p>}
      <HistogramPlot options={options} testId="calibration-plot" />
      <dl className="calibration-stats">
        <div title="mean span probability inside labelled spans minus outside (1 = perfectly separated, 0 = no separation)">
          <dt>separation (mean in − out)</dt>
          <dd data-testid="calibration-separation">{fmtNum(c.separation)}</dd>
        </div>
        {inAbove != null && outAbove != null && (
          <>
            <div title="share of in-span validation bars whose probability reaches the threshold (bar recall before span decoding)">
              <dt>in-span bars ≥ threshold</dt>
              <dd data-testid="calibration-in-above">{fmtPct(inAbove)}</dd>
            </div>
            <div title="share of out-of-span validation bars whose probability reaches the threshold (false alarms before span decoding)">
              <dt>out-of-span bars ≥ threshold</dt>
              <dd data-testid="calibration-out-above">{fmtPct(outAbove)}</dd>
            </div>
          </>
        )}
      </dl>
    </div>
  );
}

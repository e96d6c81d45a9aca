/** The plots of a run report, as inline SVG (svg-plot.ts): no scripts, no fonts, no URLs. */
import type { RunReport } from './report-types.ts';
import { histogram, lineChart } from './svg-plot.ts';
import { TASKS } from './types.ts';
import { COLORS, TASK_COLORS, f2, f3, int, keptEpochOf } from './report-format.ts';

export function runPlots(r: RunReport): { title: string; caption: string; svg: string }[] {
  const c = r.curves;
  const m = r.metrics;
  const best = keptEpochOf(r);
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

/**
 * Charts of the training view, built by core/ml/eval/svg-plot.ts (pure TS, no imports: the same
 * builders as the exported reports). Its output is SVG markup with presentation attributes only
 * (no scripts, no style attributes), so injecting it is fine under the page's strict CSP; every
 * text it holds is escaped by the builder.
 */
import { useMemo } from 'react';
import { lineChart, type LineChartOptions } from '../../../core/ml/eval/svg-plot.ts';

export function LinePlot({ options, testId }: { options: LineChartOptions; testId?: string }) {
  const svg = useMemo(() => lineChart(options), [options]);
  return <div className="plot" data-testid={testId} role="img" aria-label={options.title} dangerouslySetInnerHTML={{ __html: svg }} />;
}

export const PLOT_COLORS = { train: '#2563eb', val: '#ea580c', bar: '#0f8a6e', span: '#7c3aed', marker: '#dc2626', slider: '#0f172a' };

/**
 * Home's "what next" line: the one step that moves the project on, from its counts — import a
 * series, cut it into windows, label, settle conflicts, train, review. Pure.
 */
import type { ProjectInfo } from '../api/types.ts';

export type NextStep =
  | { kind: 'import'; text: string }
  | { kind: 'windows'; text: string }
  | { kind: 'label'; text: string }
  | { kind: 'conflicts'; text: string }
  | { kind: 'train'; text: string }
  | { kind: 'review'; text: string };

export function nextStep(info: Pick<ProjectInfo, 'series' | 'windowSets' | 'counts'>): NextStep {
  const c = info.counts;
  if (info.series.length === 0) return { kind: 'import', text: 'Import a price series (CSV) below, or create demo data, to begin.' };
  if (info.windowSets.length === 0) return { kind: 'windows', text: 'Cut a series into windows (Create windows, below) to start labelling.' };
  if (c.labelledWindows === 0)
    return {
      kind: 'label',
      text: `Label your first windows: ${c.unlabelledWindows.toLocaleString()} wait. Drag across bars to mark a span, N for “no span here”.`,
    };
  if (c.findings.open > 0)
    return {
      kind: 'conflicts',
      text: `${c.findings.open} open conflict${c.findings.open === 1 ? '' : 's'} between overlapping windows: settle them before training.`,
    };
  if (c.runs === 0) return { kind: 'train', text: `${c.labelledWindows.toLocaleString()} windows labelled: train a first detector (▶ Train).` };
  if (c.unlabelledWindows > 0)
    return {
      kind: 'review',
      text: `${c.unlabelledWindows.toLocaleString()} windows still unlabelled: review a run’s predictions to label the least sure first.`,
    };
  return { kind: 'train', text: 'Every window is labelled: train again, or compare runs.' };
}

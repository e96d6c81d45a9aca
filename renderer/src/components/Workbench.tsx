/**
 * The labelling screen: window bar on top, the chart in the middle, the span panel and the
 * conflicts panel on the right. It wires the workbench state to the chart, the keys and the panels.
 */
import { useCallback, useMemo } from 'react';
import type { ProjectInfo } from '../api/types.ts';
import { CandleChart, type ChartScene, type SpanBand } from '../chart/CandleChart.tsx';
import type { Theme } from '../chart/palette.ts';
import { useKeyboard } from '../keyboard/useKeyboard.ts';
import { indexOfTime } from '../state/bars-cache.ts';
import { useWorkbench } from '../state/workbench.ts';
import { ConflictsPanel } from './ConflictsPanel.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { SpanPanel } from './SpanPanel.tsx';
import { WindowBar } from './WindowBar.tsx';

interface Props {
  info: ProjectInfo;
  setId: number;
  windowId: number | null;
  theme: Theme;
  onNavigate(windowId: number): void;
  onHome(): void;
  onChanged(): Promise<void>;
}

export function Workbench({ info, setId, windowId, theme, onNavigate, onHome, onChanged }: Props) {
  const changed = useCallback(() => void onChanged(), [onChanged]);
  const wb = useWorkbench({ setId, windowId, series: info.series, labelTypes: info.labelTypes, onNavigate, onChanged: changed });
  const { view, actions, selectedId } = wb;
  const colorOf = useMemo(() => {
    const m = new Map(info.labelTypes.map((t) => [t.name, t.color]));
    return (type: string) => m.get(type) ?? '#8a94a6';
  }, [info.labelTypes]);

  const scene = useMemo((): ChartScene | null => {
    if (!view) return null;
    const { chunk } = view;
    const toBand = (l: { id: number; startTime: number; endTime: number; type: string; confidence: number }, lane: 0 | 1 | 2, editable: boolean): SpanBand => ({
      id: editable ? l.id : undefined,
      start: indexOfTime(chunk, l.startTime),
      end: indexOfTime(chunk, l.endTime),
      color: colorOf(l.type),
      lane,
      text: l.confidence < 1 ? `${l.type} ${l.confidence.toFixed(2)}` : l.type,
      selected: editable && l.id === selectedId,
    });
    if (view.focus) {
      const { windowA: a, windowB: b, labelsA, labelsB, finding } = view.focus;
      const start = Math.min(a.startIndex, b.startIndex);
      const end = Math.max(a.startIndex + a.length, b.startIndex + b.length) - 1;
      const shared = { start: Math.max(a.startIndex, b.startIndex), end: Math.min(a.startIndex + a.length, b.startIndex + b.length) - 1 };
      return {
        chunk,
        focus: { start, end },
        editRange: null,
        window: shared,
        highlight: { start: finding.startIndex, end: finding.endIndex },
        laneText: [`A · window ${a.extId}`, `B · window ${b.extId}`],
        bands: [...labelsA.map((l) => toBand(l, 1, false)), ...labelsB.map((l) => toBand(l, 2, false))],
        readyKey: `finding-${finding.id}`,
      };
    }
    const w = view.window!;
    const range = { start: w.startIndex, end: w.startIndex + w.length - 1 };
    return {
      chunk,
      focus: range,
      editRange: range,
      window: range,
      highlight: null,
      laneText: null,
      bands: view.labels.map((l) => toBand(l, 0, true)),
      readyKey: String(w.id),
    };
  }, [view, selectedId, colorOf]);

  const selected = wb.selected;
  useKeyboard({
    type: (e) => actions.typeKey(Number(e.key)),
    delete: () => actions.deleteSelected(),
    undo: () => void actions.undo(),
    redo: () => void actions.redo(),
    prev: actions.prev,
    next: actions.next,
    nextUnlabelled: actions.nextUnlabelled,
    nextConflict: actions.nextConflict,
    noSpan: () => void actions.toggleReviewed(),
    confDown: () => selected && actions.setConfidence(selected.confidence - 0.1),
    confUp: () => selected && actions.setConfidence(selected.confidence + 0.1),
    escape: () => {
      if (wb.focusId != null) actions.focusFinding(null);
      else actions.select(null);
    },
  });

  const draftColor = colorOf(wb.activeType);
  return (
    <main className="workbench" data-testid="workbench" data-edit-seq={wb.editSeq} data-busy={wb.busy ? '1' : '0'}>
      <WindowBar wb={wb} labelTypes={info.labelTypes} onHome={onHome} />
      <div className="workbench-body">
        <div className="chart-col">
          {view?.focus && (
            <div className="focus-banner" data-testid="focus-banner">
              <span>
                Conflict view: <strong>{view.focus.finding.message}</strong>
              </span>
              <button className="btn small" onClick={() => actions.focusFinding(null)}>
                Back to window (Esc)
              </button>
            </div>
          )}
          <CandleChart
            scene={scene}
            theme={theme}
            draftColor={draftColor}
            onCreate={(a, b) => void actions.addSpan(a, b)}
            onResize={(id, a, b) => void actions.resizeSpan(id, a, b)}
            onSelect={actions.select}
          />
          <ErrorBox error={wb.error} onDismiss={actions.dismissError} testId="workbench-error" />
        </div>
        <aside className="side">
          <SpanPanel wb={wb} labelTypes={info.labelTypes} colorOf={colorOf} />
          <ConflictsPanel wb={wb} />
        </aside>
      </div>
    </main>
  );
}

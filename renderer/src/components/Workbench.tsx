/**
 * The labelling screen: window bar on top, the chart in the middle, the span panel and the
 * conflicts panel on the right. It wires the workbench state to the chart, the keys and the panels.
 * Review mode (a run picked on the window bar, `?review=N` in the address) adds the run's predicted
 * spans on the chart, a probability pane under it, and the review panel on top of the sidebar.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ProjectInfo } from '../api/types.ts';
import { CandleChart, type ChartScene, type ReviewLayer, type SpanBand } from '../chart/CandleChart.tsx';
import type { Theme } from '../chart/palette.ts';
import { useKeyboard } from '../keyboard/useKeyboard.ts';
import { contextBars, CONTEXT_CHOICES, indexOfTime, setContextBars, timeAtIndex } from '../state/bars-cache.ts';
import { describeFinding } from '../state/window-name.ts';
import { loadChartPrefs, MA_CHOICES, saveChartPrefs, type ChartPrefs } from '../chart/chart-prefs.ts';
import { useReview } from '../state/review.ts';
import { useReviewRun } from '../state/route.ts';
import { toast } from '../state/toasts.ts';
import { useWorkbench } from '../state/workbench.ts';
import { ConflictsPanel } from './ConflictsPanel.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { ReviewPanel } from './review/ReviewPanel.tsx';
import { ReviewEntry } from './review/ReviewPicker.tsx';
import { SpanPanel } from './SpanPanel.tsx';
import { WindowBar } from './WindowBar.tsx';
import { ContradictionWarning } from './ContradictionWarning.tsx';
import { ALL, authorOf, filterLabels, laneGroups, type AnnotatorFilter } from '../state/annotator-filter.ts';
import { storedAnnotator } from '../state/annotator.ts';
import type { StoredFinding } from '../api/types.ts';

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
  const { view, actions, selectedId, nameOf } = wb;
  const [reviewRunId, setReviewRun] = useReviewRun();
  const review = useReview({ runId: reviewRunId, setId, wb });
  const colorOf = useMemo(() => {
    const m = new Map(info.labelTypes.map((t) => [t.name, t.color]));
    return (type: string) => m.get(type) ?? '#8a94a6';
  }, [info.labelTypes]);

  // Issue #12, point 4: whose spans the chart and the span panel show (kept while windows change).
  const [annotatorFilter, setAnnotatorFilter] = useState<AnnotatorFilter>(ALL);
  const me = storedAnnotator();

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
      const { windowA: a, windowB: b, finding } = view.focus;
      let { labelsA, labelsB } = view.focus;
      // Two annotators on one window: lane A is the first annotator's spans, lane B the second's.
      const pair = finding.kind === 'annotators' ? (finding as StoredFinding & { annotators?: [string, string] }).annotators : undefined;
      if (pair) {
        labelsA = labelsA.filter((l) => authorOf(l) === pair[0]);
        labelsB = labelsB.filter((l) => authorOf(l) === pair[1]);
      }
      const start = Math.min(a.startIndex, b.startIndex);
      const end = Math.max(a.startIndex + a.length, b.startIndex + b.length) - 1;
      const shared = { start: Math.max(a.startIndex, b.startIndex), end: Math.min(a.startIndex + a.length, b.startIndex + b.length) - 1 };
      return {
        chunk,
        focus: { start, end },
        editRange: null,
        window: shared,
        highlight: { start: finding.startIndex, end: finding.endIndex },
        laneText: pair ? [`A · ${pair[0]}`, `B · ${pair[1]}`] : [`A · ${nameOf(a.id)}`, `B · ${nameOf(b.id)}`],
        bands: [...labelsA.map((l) => toBand(l, 1, false)), ...labelsB.map((l) => toBand(l, 2, false))],
        readyKey: `finding-${finding.id}`,
      };
    }
    const w = view.window!;
    const range = { start: w.startIndex, end: w.startIndex + w.length - 1 };
    // Other windows' spans on these bars: one row per window (in the order the service lists them).
    const rows = new Map<number, number>();
    const context = (view.context?.labels ?? []).flatMap((l) => {
      const s = indexOfTime(chunk, l.startTime);
      const e = indexOfTime(chunk, l.endTime);
      // A span reaching past the loaded bars is drawn up to their edge.
      const start = s >= 0 ? s : l.startTime < chunk.time[0] ? chunk.from : -1;
      const end = e >= 0 ? e : l.endTime > chunk.time[chunk.time.length - 1] ? chunk.from + chunk.time.length - 1 : -1;
      if (start < 0 || end < 0 || end < start) return [];
      if (!rows.has(l.windowId)) rows.set(l.windowId, rows.size);
      return [
        {
          start,
          end,
          color: colorOf(l.type),
          row: rows.get(l.windowId)!,
          title: `${l.type}${l.confidence < 1 ? ` ${l.confidence.toFixed(2)}` : ''} · marked in ${nameOf(l.windowId)}`,
        },
      ];
    });
    if (annotatorFilter.kind === 'lanes') {
      // Every annotator side by side, read-only (pick one annotator, or everyone, to edit).
      const lanes = laneGroups(view.labels, me).map((g) => ({
        title: `${g.name}${g.name === me ? ' (you)' : ''} · ${g.labels.length} span${g.labels.length === 1 ? '' : 's'}`,
        bands: g.labels.map((l) => ({
          start: indexOfTime(chunk, l.startTime),
          end: indexOfTime(chunk, l.endTime),
          color: colorOf(l.type),
          text: l.confidence < 1 ? `${l.type} ${l.confidence.toFixed(2)}` : l.type,
        })),
      }));
      return { chunk, focus: range, editRange: null, window: range, highlight: null, laneText: null, bands: [], context, lanes, readyKey: String(w.id) };
    }
    // One annotator's spans: editable when they are mine, shown read-only when someone else's.
    const mine = annotatorFilter.kind !== 'one' || annotatorFilter.name === me;
    return {
      chunk,
      focus: range,
      editRange: mine ? range : null,
      window: range,
      highlight: null,
      laneText: null,
      bands: filterLabels(view.labels, annotatorFilter).map((l) => toBand(l, 0, mine)),
      context,
      readyKey: String(w.id),
    };
  }, [view, selectedId, colorOf, nameOf, annotatorFilter, me]);

  // Review mode: the run's predicted spans and probabilities for the window on screen (its detail
  // only; never the whole set's). Present while review mode is on, so the pane doesn't come and go.
  const detail = review.detail;
  const reviewLayer = useMemo((): ReviewLayer | null => {
    if (reviewRunId == null) return null;
    const w = view?.window;
    if (!view || !w || view.focus || !detail || detail.windowId !== w.id) return { predicted: [], probability: null, key: '' };
    const s = w.startIndex;
    return {
      predicted: detail.predicted.map((p) => ({ start: s + p.start, end: s + p.end, color: colorOf(p.type), text: `${p.type} ${p.score.toFixed(2)}` })),
      probability: {
        start: s,
        prob: detail.spanProb,
        viterbi: detail.viterbi,
        head: detail.head,
        threshold: detail.threshold,
        labels: view.labels.map((l) => ({ start: indexOfTime(view.chunk, l.startTime), end: indexOfTime(view.chunk, l.endTime), color: colorOf(l.type) })),
      },
      key: `${detail.runId}:${w.id}`,
    };
  }, [reviewRunId, view, detail, colorOf]);

  const selected = wb.selected;
  const inReview = reviewRunId != null;
  const [fitSeq, setFitSeq] = useState(0);
  const [focusSeq, setFocusSeq] = useState(0);
  const [context, setContext] = useState(contextBars);
  const [prefs, setPrefs] = useState<ChartPrefs>(loadChartPrefs);
  const updatePrefs = (patch: Partial<ChartPrefs>) =>
    setPrefs((cur) => {
      const next = { ...cur, ...patch };
      saveChartPrefs(next);
      return next;
    });
  // The sidebar folds away on narrow screens (closed by default below 1000 px), giving the chart the width.
  const [sideOpen, setSideOpen] = useState(() => {
    const saved = localStorage.getItem('candlemark.sidebar');
    return saved ? saved === 'open' : window.innerWidth >= 1000;
  });
  const toggleSide = () =>
    setSideOpen((open) => {
      localStorage.setItem('candlemark.sidebar', open ? 'closed' : 'open');
      return !open;
    });
  /**
   * Q: the first press goes to the least sure window of the queue; the next ones walk on from the
   * window Q brought the analyst to (landing on a window that happens to sit 9th in the queue no
   * longer makes the first Q go to the 10th).
   */
  const qAt = useRef<number | null>(null);
  const nextUnsure = () => {
    const first = review.queue[0];
    const walking = qAt.current != null && qAt.current === view?.window?.id;
    if (!walking && first && first.windowId !== view?.window?.id) {
      qAt.current = first.windowId;
      review.actions.gotoWindow(first.windowId);
      return;
    }
    const at = review.queue.findIndex((r) => r.windowId === view?.window?.id);
    const next = review.queue[at + 1];
    qAt.current = next?.windowId ?? null;
    if (next) review.actions.gotoWindow(next.windowId);
  };
  /** A: accept the prediction, after a warning when its spans contradict an overlapping labelled window. */
  const acceptWithCheck = (spanIndex?: number) => {
    const d = review.detail;
    if (!d || d.windowId !== view?.window?.id) return review.actions.accept(spanIndex);
    const asLabel = (p: { start: number; end: number; type: string }) => ({ startTime: d.times[p.start], endTime: d.times[p.end], type: p.type });
    let proposed = d.predicted.map(asLabel);
    if (spanIndex != null) {
      // One span: it replaces the labels it overlaps; the others stay.
      const one = asLabel(d.predicted[spanIndex]);
      proposed = [...view.labels.filter((l) => l.endTime < one.startTime || l.startTime > one.endTime), one];
    }
    actions.guardLabels(proposed, spanIndex != null ? 'Accept this predicted span?' : 'Accept this prediction?', 'Accept anyway', () =>
      review.actions.accept(spanIndex),
    );
  };
  // A toast when the window on screen gets a decision (accepted or rejected), naming it and the undo.
  const lastDecision = useRef<{ windowId: number; decision: string | null } | null>(null);
  const decisionNow = review.detail ? { windowId: review.detail.windowId, decision: review.detail.decision } : null;
  useEffect(() => {
    const prev = lastDecision.current;
    lastDecision.current = decisionNow;
    if (!decisionNow || !prev || prev.windowId !== decisionNow.windowId || prev.decision === decisionNow.decision || !decisionNow.decision) return;
    const name = nameOf(decisionNow.windowId);
    toast(decisionNow.decision === 'accepted' ? `Accepted the prediction in ${name} (Ctrl+Z undoes)` : `Rejected the prediction in ${name}; its labels stay`, {
      kind: decisionNow.decision === 'accepted' ? 'ok' : 'info',
    });
  }, [decisionNow?.windowId, decisionNow?.decision]); // eslint-disable-line react-hooks/exhaustive-deps -- fires on the decision, not on every render
  // The review panel's Accept buttons go through the same check as the A key.
  const guardedReview = { ...review, actions: { ...review.actions, accept: acceptWithCheck } };
  useKeyboard(
    {
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
        if (wb.warning) actions.cancelWarning();
        else if (wb.focusId != null) actions.focusFinding(null);
        else actions.select(null);
      },
      // Review keys exist only in review mode (elsewhere A, X, D, Q do nothing).
      ...(inReview
        ? {
            reviewAccept: () => acceptWithCheck(),
            reviewReject: () => review.actions.reject(),
            reviewNextDisagreement: review.actions.nextDisagreement,
            reviewNextUnsure: nextUnsure,
          }
        : {}),
      // While the contradiction warning asks, only its own buttons (and Esc) act.
    },
    !wb.warning,
  );

  const draftColor = colorOf(wb.activeType);
  return (
    <main
      className={'workbench' + (inReview ? ' reviewing' : '')}
      data-testid="workbench"
      data-edit-seq={wb.editSeq}
      data-busy={wb.busy ? '1' : '0'}
      data-review={reviewRunId ?? ''}
    >
      <WindowBar wb={wb} labelTypes={info.labelTypes} onHome={onHome} />
      <div className="workbench-body">
        <div className="chart-col">
          {view?.focus && (
            <div className="focus-banner" data-testid="focus-banner">
              <span title={view.focus.finding.message} data-testid="focus-description">
                Conflict view:{' '}
                <strong>
                  {view.focus.finding.kind === 'annotators'
                    ? `two annotators labelled ${nameOf(view.focus.finding.windowA)} differently: ${view.focus.finding.message}`
                    : describeFinding(view.focus.finding, nameOf, (i) => timeAtIndex(view.chunk, i))}
                </strong>
              </span>
              <button className="btn small" onClick={() => actions.focusFinding(null)}>
                Back to window (Esc)
              </button>
            </div>
          )}
          <div className="chart-tools" data-testid="chart-tools">
            <button className="btn small ghost" onClick={() => setFitSeq((n) => n + 1)} data-testid="zoom-fit" title="Show every loaded bar (reset zoom)">
              ⤢ Fit
            </button>
            <button className="btn small ghost" onClick={() => setFocusSeq((n) => n + 1)} data-testid="zoom-window" title="Zoom to the window's own bars">
              ▭ Window
            </button>
            <label className="small muted">
              Context bars{' '}
              <select
                value={context}
                data-testid="context-bars"
                onChange={(e) => {
                  const n = Number(e.target.value);
                  setContextBars(n);
                  setContext(n);
                  actions.reload();
                }}
              >
                {CONTEXT_CHOICES.map((n) => (
                  <option key={n} value={n}>
                    ±{n}
                  </option>
                ))}
              </select>
            </label>
            <label className="small muted">
              <input type="checkbox" checked={prefs.log} onChange={(e) => updatePrefs({ log: e.target.checked })} data-testid="log-scale" /> log scale
            </label>
            <select
              value={prefs.ma.join(',')}
              onChange={(e) => updatePrefs({ ma: MA_CHOICES.find((c) => c.ma.join(',') === e.target.value)?.ma ?? [] })}
              data-testid="ma-select"
              aria-label="Moving averages"
              title="Moving averages of the close, over the loaded bars (more context bars = an average from further left)"
            >
              {MA_CHOICES.map((c) => (
                <option key={c.label} value={c.ma.join(',')}>
                  {c.label}
                </option>
              ))}
            </select>
            <label className="small muted" title="Moving average (20) of the close ± 2 × average true range (14), over the loaded bars">
              <input type="checkbox" checked={prefs.atrBands} onChange={(e) => updatePrefs({ atrBands: e.target.checked })} data-testid="atr-bands" /> ATR bands
            </label>
            {reviewLayer && (
              <span
                className="predicted-legend small muted"
                data-testid="predicted-legend"
                title="Dashed outlines: the run's predicted spans, in their type's colour"
              >
                predicted:
                {info.labelTypes.map((t) => (
                  <span key={t.name} className="legend-item">
                    <span className="legend-dash" style={{ borderColor: t.color }} /> {t.name}
                  </span>
                ))}
              </span>
            )}
            <span className="spacer" />
            <button
              className="btn small ghost"
              onClick={toggleSide}
              aria-expanded={sideOpen}
              aria-controls="workbench-side"
              data-testid="side-toggle"
              title={sideOpen ? 'Hide the side panel (spans, conflicts, review)' : 'Show the side panel (spans, conflicts, review)'}
            >
              {sideOpen ? 'Panel ▸' : '◂ Panel'}
              {!sideOpen && wb.findings.length > 0 ? ` · ${wb.findings.length} conflict${wb.findings.length === 1 ? '' : 's'}` : ''}
            </button>
            {view?.context && view.context.labels.length > 0 && (
              <span
                className="muted small"
                data-testid="context-legend"
                title="Spans that overlapping windows marked on these bars: faint wash, and a strip per window at the bottom; hover to see which window"
              >
                ▁ {new Set(view.context.labels.map((l) => l.windowId)).size} overlapping window(s) labelled here
              </span>
            )}
          </div>
          <CandleChart
            prefs={prefs}
            fitSeq={fitSeq}
            focusSeq={focusSeq}
            scene={scene}
            review={reviewLayer}
            theme={theme}
            draftColor={draftColor}
            onCreate={(a, b) => void actions.addSpan(a, b)}
            onResize={(id, a, b) => void actions.resizeSpan(id, a, b)}
            onSelect={actions.select}
          />
          <ErrorBox error={wb.error} onDismiss={actions.dismissError} testId="workbench-error" />
          {wb.warning && <ContradictionWarning warning={wb.warning} nameOf={wb.nameOf} onCancel={actions.cancelWarning} />}
        </div>
        <aside className={'side' + (sideOpen ? '' : ' collapsed')} id="workbench-side" data-testid="workbench-side">
          {inReview ? (
            <ReviewPanel review={guardedReview} wb={wb} colorOf={colorOf} onPick={setReviewRun} />
          ) : (
            <ReviewEntry runs={review.runs} onPick={setReviewRun} />
          )}
          <SpanPanel wb={wb} labelTypes={info.labelTypes} colorOf={colorOf} annotatorFilter={annotatorFilter} onAnnotatorFilter={setAnnotatorFilter} me={me} />
          <ConflictsPanel wb={wb} />
        </aside>
      </div>
    </main>
  );
}

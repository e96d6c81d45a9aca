/**
 * Everything the labelling screen knows and does: the windows of a set, which are labelled or in
 * conflict, the current window's bars and labels, the selected span, and every edit as a service
 * call whose result carries the change it made (labels, findings, undo state: issue #10, point 9),
 * applied here without reading again. Events this page's own calls caused are skipped by client id.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call, eventsConnected, isOwnEvent } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { BarsChunk, Change, HistoryState, Label, LabelType, SeriesInfo, StoredFinding, WindowInfo } from '../api/types.ts';
import { contextRange, forgetSeries, indexOfTime, readRange, timeAtIndex } from './bars-cache.ts';
import { findContradictions, type Contradiction, type ProposedSpan } from './contradiction-check.ts';
import { useReconnect, useServiceEvents } from './events.ts';
import { toast } from './toasts.ts';
import { useWindowDirectory } from './window-directory.ts';
import { windowName } from './window-name.ts';
import { useNames } from './names.ts';

export interface FocusedFinding {
  finding: StoredFinding;
  windowA: WindowInfo;
  windowB: WindowInfo;
  labelsA: Label[];
  labelsB: Label[];
}

export interface View {
  chunk: BarsChunk;
  /** The window (or the finding) this view was loaded for; stale views are never shown mixed. */
  key: string;
  window: WindowInfo | null;
  labels: Label[];
  focus: FocusedFinding | null;
  /** Windows sharing bars with the loaded ones (other than this window) and their labels, drawn faintly. */
  context: { windows: WindowInfo[]; labels: Label[] } | null;
}

/** A change held back until the analyst confirms it: it would contradict overlapping windows. */
export interface PendingWarning {
  title: string;
  contradictions: Contradiction[];
  confirmLabel: string;
  proceed(): void;
}

const SCOPE_KEY = 'candlemark.conflictScope';

/** Same stored window (every field equal); undefined never is. */
function sameWindow(a: WindowInfo | undefined, b: WindowInfo | undefined): boolean {
  if (!a || !b) return false;
  return (Object.keys(a) as (keyof WindowInfo)[]).every((k) => a[k] === b[k]);
}

export type ResolveAction = 'copy-a-to-b' | 'copy-b-to-a' | 'ignore' | 'mark-resolved' | 'reopen';

interface Options {
  setId: number;
  windowId: number | null;
  series: SeriesInfo[];
  labelTypes: LabelType[];
  onNavigate(windowId: number): void;
  onChanged(): void;
}

export function useWorkbench({ setId, windowId, series, labelTypes, onNavigate, onChanged }: Options) {
  const [windows, setWindows] = useState<WindowInfo[]>([]);
  const [labelCounts, setLabelCounts] = useState<Map<number, number>>(new Map());
  /** Open findings of the whole project; `findings` below is the part the panel and C follow. */
  const [allFindings, setFindings] = useState<StoredFinding[]>([]);
  /** Conflicts list and C: this set's findings (default), or every set's. */
  const [allSets, setAllSetsState] = useState(() => localStorage.getItem(SCOPE_KEY) === 'all');
  const [warning, setWarning] = useState<PendingWarning | null>(null);
  const [history, setHistory] = useState<HistoryState>({ canUndo: false, canRedo: false });
  const [view, setView] = useState<View | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [activeType, setActiveType] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  /** Bumped after every completed edit round trip: the bench waits on it (data-edit-seq). */
  const [editSeq, setEditSeq] = useState(0);
  const loadSeq = useRef(0);
  const findingsRef = useRef(allFindings);
  findingsRef.current = allFindings;
  const busyRef = useRef(false);
  const eventTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const overviewTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const byId = useMemo(() => new Map(windows.map((w) => [w.id, w])), [windows]);
  /** A finding belongs to this set when one of its windows does (windows of two sets on one series can disagree). */
  const findings = useMemo(() => (allSets ? allFindings : allFindings.filter((f) => byId.has(f.windowA) || byId.has(f.windowB))), [allSets, allFindings, byId]);
  const directory = useWindowDirectory(
    useMemo(() => [...new Set([...(windows[0] ? [windows[0].seriesId] : []), ...findings.map((f) => f.seriesId)])], [windows, findings]),
  );
  const names = useNames();
  /** "set 2 · window 12/54 · spy_1d · 2020-03-02" for any window id (windowName, one naming everywhere). */
  const nameOf = useCallback(
    (id: number) => {
      const here = byId.get(id);
      if (here) return windowName(here, { index: windows.indexOf(here), total: windows.length }, names.sets[here.setId]);
      const there = directory.get(id);
      return there ? windowName(there.window, there.place, names.sets[there.window.setId]) : `window id ${id}`;
    },
    [byId, windows, directory, names],
  );
  const current = windowId != null ? (byId.get(windowId) ?? null) : null;
  const currentIndex = current ? windows.indexOf(current) : -1;
  const seriesInfo = current ? series.find((s) => s.id === current.seriesId) : series.find((s) => s.id === windows[0]?.seriesId);
  const type = activeType && labelTypes.some((t) => t.name === activeType) ? activeType : (labelTypes[0]?.name ?? 'up');
  const conflictWindows = useMemo(() => {
    const ids = new Set<number>();
    for (const f of findings) ids.add(f.windowA).add(f.windowB);
    return ids;
  }, [findings]);
  const isLabelled = useCallback((w: WindowInfo) => w.reviewed || (labelCounts.get(w.id) ?? 0) > 0, [labelCounts]);

  const fail = useCallback((e: unknown) => setError(toApiError(e)), []);

  // --- loading ---------------------------------------------------------------------------------

  const refreshSet = useCallback(async () => {
    const [ws, labels, open, hist] = await Promise.all([
      call('windows.list', { setId }),
      call('labels.list', { setId }),
      call('conflicts.list', { status: 'open' }),
      call('labels.history', {}),
    ]);
    const counts = new Map<number, number>();
    for (const l of labels) counts.set(l.windowId, (counts.get(l.windowId) ?? 0) + 1);
    setWindows(ws);
    setLabelCounts(counts);
    setFindings(open);
    setHistory(hist);
    return ws;
  }, [setId]);

  // Read by the set loader below without making it re-run on every window change.
  const openedAt = useRef({ windowId, onNavigate });
  openedAt.current = { windowId, onNavigate };
  useEffect(() => {
    let live = true;
    refreshSet()
      .then((ws) => {
        // Opening a set without a window: start at its first window.
        const { windowId: at, onNavigate: navigate } = openedAt.current;
        if (live && at == null && ws.length) navigate(ws[0].id);
      })
      .catch(fail);
    return () => {
      live = false;
    };
    // Only when the set changes (refreshSet follows setId); window changes are the view loader's.
  }, [refreshSet, fail]);

  // The view loader follows which window is current (its id fixes its bars), not the window object:
  // an edit that flips the reviewed flag updates the view itself (applyChange) without a reload.
  const currentRef = useRef(current);
  currentRef.current = current;
  const currentId = current?.id ?? null;
  // Likewise the series only by their bar counts: the project info is re-read on events, with new objects.
  const seriesRef = useRef(series);
  seriesRef.current = series;
  const seriesKey = series.map((x) => `${x.id}:${x.barCount}`).join(',');

  /** Loads bars + labels for the current window, or for both windows of the focused finding. */
  const loadView = useCallback(async () => {
    const current = currentRef.current;
    const series = seriesRef.current;
    const seq = ++loadSeq.current;
    const barCount = (id: string) => series.find((s) => s.id === id)?.barCount ?? 0;
    const focused = focusId != null ? findingsRef.current.find((f) => f.id === focusId) : undefined;
    if (focused) {
      const wins = await call('windows.list', { seriesId: focused.seriesId });
      const a = wins.find((w) => w.id === focused.windowA);
      const b = wins.find((w) => w.id === focused.windowB);
      if (!a || !b) return;
      const start = Math.min(a.startIndex, b.startIndex);
      const end = Math.max(a.startIndex + a.length, b.startIndex + b.length) - 1;
      const [chunk, labelsA, labelsB] = await Promise.all([
        readRange(focused.seriesId, barCount(focused.seriesId), start, end),
        call('labels.list', { windowId: a.id }),
        call('labels.list', { windowId: b.id }),
      ]);
      if (seq !== loadSeq.current) return;
      setView({
        chunk,
        key: `finding-${focused.id}`,
        window: null,
        labels: [],
        focus: { finding: focused, windowA: a, windowB: b, labelsA, labelsB },
        context: null,
      });
      return;
    }
    if (!current) return;
    const bars = barCount(current.seriesId);
    const range = contextRange(bars, current.startIndex, current.startIndex + current.length - 1);
    const [chunk, labels, context] = await Promise.all([
      readRange(current.seriesId, bars, current.startIndex, current.startIndex + current.length - 1),
      call('labels.list', { windowId: current.id }),
      // Every other window on these bars, with its labels: drawn faintly so no span is invisible here.
      call('labels.overlapping', { seriesId: current.seriesId, from: range.from, to: range.to, excludeWindowId: current.id }),
    ]);
    if (seq !== loadSeq.current) return;
    setView({ chunk, key: `window-${current.id}`, window: current, labels, focus: null, context });
    // Drop a selection whose label is gone (undo, another window's edit).
    setSelectedId((sel) => (sel != null && labels.some((l) => l.id === sel) ? sel : null));
    setLabelCounts((m) => (m.get(current.id) === labels.length ? m : new Map(m).set(current.id, labels.length)));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- currentId and seriesKey stand for what is read through the refs
  }, [currentId, focusId, seriesKey]);

  useEffect(() => {
    loadView().catch(fail);
  }, [loadView, fail]);

  // Warm the cache with the next window's bars so ']' feels instant.
  useEffect(() => {
    const next = currentIndex >= 0 ? windows[currentIndex + 1] : undefined;
    if (next && seriesInfo) void readRange(next.seriesId, seriesInfo.barCount, next.startIndex, next.startIndex + next.length - 1).catch(() => undefined);
  }, [currentIndex, windows, seriesInfo]);

  /**
   * After an edit: applies the change the service reported (its windows, their labels, the findings
   * involving them, the undo state) to what this screen holds, without reading again. A change too
   * large to be sent (`complete: false`) is read again instead.
   */
  const applyChange = useCallback(
    async (change: Change) => {
      setHistory(change.history);
      if (!change.complete) {
        await refreshSet();
        await loadView();
      } else {
        const touched = new Set(change.windowIds);
        const windowsNow = new Map(change.windows.map((w) => [w.id, w]));
        const labelsOf = (id: number) => change.labels.filter((l) => l.windowId === id);
        // Only windows that really changed get a new object: the view loader follows the current one.
        setWindows((ws) =>
          change.windows.some(
            (n) =>
              !sameWindow(
                n,
                ws.find((w) => w.id === n.id),
              ),
          )
            ? ws.map((w) => (sameWindow(windowsNow.get(w.id), w) ? w : (windowsNow.get(w.id) ?? w)))
            : ws,
        );
        setLabelCounts((m) => {
          if (!touched.size) return m;
          const next = new Map(m);
          for (const id of touched) next.set(id, labelsOf(id).length);
          return next;
        });
        const gone = new Set([...change.findings.removedIds, ...change.findings.changed.map((f) => f.id)]);
        setFindings((fs) =>
          // The store's order: most severe first, then by id.
          [...fs.filter((f) => !gone.has(f.id)), ...change.findings.changed.filter((f) => f.status === 'open')].sort(
            (a, b) => b.severity - a.severity || a.id - b.id,
          ),
        );
        setView((v) => {
          if (!v) return v;
          let next = v;
          if (v.window && touched.has(v.window.id)) next = { ...next, window: windowsNow.get(v.window.id) ?? v.window, labels: labelsOf(v.window.id) };
          // The faint context (windows sharing these bars): a change to one of them redraws it too.
          const ctx = v.context;
          if (ctx && ctx.windows.some((w) => touched.has(w.id))) {
            const inContext = new Set(ctx.windows.map((w) => w.id));
            next = {
              ...next,
              context: {
                windows: ctx.windows.map((w) => windowsNow.get(w.id) ?? w),
                labels: [...ctx.labels.filter((l) => !touched.has(l.windowId)), ...change.labels.filter((l) => inContext.has(l.windowId))],
              },
            };
          }
          if (v.focus && (touched.has(v.focus.windowA.id) || touched.has(v.focus.windowB.id))) {
            const { windowA, windowB } = v.focus;
            next = {
              ...next,
              focus: {
                ...v.focus,
                windowA: windowsNow.get(windowA.id) ?? windowA,
                windowB: windowsNow.get(windowB.id) ?? windowB,
                labelsA: touched.has(windowA.id) ? labelsOf(windowA.id) : v.focus.labelsA,
                labelsB: touched.has(windowB.id) ? labelsOf(windowB.id) : v.focus.labelsB,
              },
            };
          }
          return next;
        });
        // Drop a selection whose label is gone (undo, delete).
        setSelectedId((sel) => (sel != null && view?.window && touched.has(view.window.id) && !change.labels.some((l) => l.id === sel) ? null : sel));
      }
      setEditSeq((n) => n + 1);
      // The project overview walks every window and label: refresh it once a burst of edits settles.
      if (overviewTimer.current) clearTimeout(overviewTimer.current);
      // With the event channel up, useProjectInfo already refreshes on the service's events.
      if (!eventsConnected()) overviewTimer.current = setTimeout(onChanged, 800);
    },
    [refreshSet, loadView, onChanged, view],
  );

  const run = useCallback(
    async (fn: () => Promise<unknown>) => {
      setBusy(true);
      busyRef.current = true;
      try {
        await fn();
        setError(null);
      } catch (e) {
        fail(e);
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [fail],
  );

  useServiceEvents(['labels.changed', 'findings.changed', 'windows.changed', 'series.changed'], (name, payload) => {
    if (name === 'series.changed') forgetSeries(payload.seriesId);
    // Our own calls' events: their results already carried the change (applyChange).
    if (isOwnEvent(payload)) return;
    // Another window (or the CLI) changed the project: bring this screen up to date, once per burst.
    if (eventTimer.current) clearTimeout(eventTimer.current);
    eventTimer.current = setTimeout(() => {
      if (!busyRef.current)
        refreshSet()
          .then(() => loadView())
          .catch(fail);
    }, 300);
  });

  // Events were missed (reconnect, a gap in their sequence): read this screen again.
  useReconnect(
    () =>
      void refreshSet()
        .then(() => loadView())
        .catch(fail),
  );

  // --- navigation ----------------------------------------------------------------------------

  const goto = useCallback(
    (w: WindowInfo | undefined) => {
      if (!w) return;
      setFocusId(null);
      setSelectedId(null);
      onNavigate(w.id);
    },
    [onNavigate],
  );

  const step = (delta: number) => goto(windows[Math.max(0, Math.min(windows.length - 1, currentIndex + delta))]);

  /** The next window after the current one (wrapping) that passes `test`. */
  const nextWhere = (test: (w: WindowInfo) => boolean) => {
    for (let k = 1; k <= windows.length; k++) {
      const w = windows[(Math.max(currentIndex, 0) + k) % windows.length];
      if (test(w)) return w;
    }
    return undefined;
  };

  /**
   * Runs `change` now, or (when it would make `window`'s labels `proposed` and that contradicts an
   * overlapping labelled window) first asks, naming those windows and the bars.
   */
  const guard = (title: string, confirmLabel: string, proposed: ProposedSpan[], change: () => void) => {
    if (!current || !view?.context || view.window?.id !== current.id) return change();
    const found = findContradictions(current, proposed, view.chunk.time, view.context.windows, view.context.labels);
    if (!found.length) return change();
    setWarning({
      title,
      contradictions: found,
      confirmLabel,
      proceed: () => {
        setWarning(null);
        change();
      },
    });
  };

  const nextConflict = () => {
    if (!findings.length) {
      const elsewhere = allFindings.length;
      toast(elsewhere ? `No open conflicts in this set; ${elsewhere} in other sets (tick “all sets” to go through them).` : 'No open conflicts.', {
        kind: 'info',
      });
      return;
    }
    const i = focusId != null ? findings.findIndex((f) => f.id === focusId) : -1;
    setSelectedId(null);
    setFocusId(findings[(i + 1) % findings.length].id);
  };

  // --- edits ---------------------------------------------------------------------------------

  type Step = { description: string; windowIds: number[] };
  /** After undo/redo: say what changed, and go to the window it changed when that is another one of this set. */
  const announceStep = (verb: string, step: Step | null) => {
    if (!step) return toast(`Nothing to ${verb === 'Undid' ? 'undo' : 'redo'}`, { kind: 'info' });
    const ids = step.windowIds;
    const where = ids.length === 1 ? ` in ${nameOf(ids[0])}` : ids.length > 1 ? ` in ${ids.length} windows` : '';
    toast(`${verb}: ${step.description}${where}`, { kind: 'info' });
    const target = ids.length ? byId.get(ids[0]) : undefined;
    if (target && target.id !== current?.id && !ids.includes(current?.id ?? -1)) goto(target);
  };

  const chunk = view?.chunk;
  const labelAt = (id: number | null) => (id == null ? undefined : view?.labels.find((l) => l.id === id));

  const actions = {
    goto,
    prev: () => step(-1),
    next: () => step(1),
    nextUnlabelled: () => goto(nextWhere((w) => !isLabelled(w))),
    nextConflict,
    focusFinding: (id: number | null) => {
      setSelectedId(null);
      setFocusId(id);
    },
    select: setSelectedId,
    setActiveType,

    addSpan: (start: number, end: number) =>
      run(async () => {
        if (!current || !chunk) return;
        const label = await call('labels.add', {
          windowId: current.id,
          startTime: timeAtIndex(chunk, start),
          endTime: timeAtIndex(chunk, end),
          type,
          confidence: 1,
        });
        await applyChange(label.change);
        setSelectedId(label.id);
      }),

    resizeSpan: (id: number, start: number, end: number) =>
      run(async () => {
        if (!chunk) return;
        const r = await call('labels.update', { id, patch: { startTime: timeAtIndex(chunk, start), endTime: timeAtIndex(chunk, end) } });
        await applyChange(r.change);
      }),

    /** Number key n: retype the selected span, or pick the type of the next one. */
    typeKey: (n: number) => {
      const t = labelTypes[n - 1];
      if (!t) return;
      setActiveType(t.name);
      const label = labelAt(selectedId);
      if (label && label.type !== t.name)
        void run(async () => {
          const r = await call('labels.update', { id: label.id, patch: { type: t.name } });
          await applyChange(r.change);
        });
    },

    setConfidence: (value: number) => {
      const label = labelAt(selectedId);
      if (!label) return;
      const confidence = Math.round(Math.max(0, Math.min(1, value)) * 100) / 100;
      if (confidence === label.confidence) return;
      // Show it at once; the service call follows.
      setView((v) => (v ? { ...v, labels: v.labels.map((l) => (l.id === label.id ? { ...l, confidence } : l)) } : v));
      void run(async () => {
        const r = await call('labels.update', { id: label.id, patch: { confidence } });
        await applyChange(r.change);
      });
    },

    deleteSelected: () => {
      const label = labelAt(selectedId);
      if (!label) return;
      void run(async () => {
        const r = await call('labels.delete', { id: label.id });
        setSelectedId(null);
        await applyChange(r.change);
      });
    },

    undo: () =>
      run(async () => {
        const r = await call('labels.undo', {});
        await applyChange(r.change);
        announceStep('Undid', r.step);
      }),

    redo: () =>
      run(async () => {
        const r = await call('labels.redo', {});
        await applyChange(r.change);
        announceStep('Redid', r.step);
      }),

    /** N: "looked at it, no span here" (toggles). Warns first when "no span" contradicts a neighbour. */
    toggleReviewed: () => {
      if (!current) return Promise.resolve();
      const doIt = () =>
        void run(async () => {
          const r = await call('windows.setReviewed', { windowId: current.id, reviewed: !current.reviewed });
          await applyChange(r.change);
        });
      // Marking a window without spans "reviewed" makes it say "no span" on every bar it shares.
      if (!current.reviewed && (view?.labels.length ?? 0) === 0) guard('Mark this window “no span”?', 'Mark no span anyway', [], doIt);
      else doIt();
      return Promise.resolve();
    },

    /** Before `change` makes this window's labels `proposed` (accepting a prediction): warn about contradictions. */
    guardLabels: (proposed: ProposedSpan[], title: string, confirmLabel: string, change: () => void) => guard(title, confirmLabel, proposed, change),
    confirmWarning: () => warning?.proceed(),
    cancelWarning: () => setWarning(null),

    /** Conflicts list and C: this set only, or every set. */
    setAllSets: (all: boolean) => {
      localStorage.setItem(SCOPE_KEY, all ? 'all' : 'set');
      setAllSetsState(all);
      if (!all && focusId != null) {
        const f = allFindings.find((x) => x.id === focusId);
        if (f && !byId.has(f.windowA) && !byId.has(f.windowB)) setFocusId(null);
      }
    },

    resolve: (findingId: number, action: ResolveAction) =>
      run(async () => {
        const f = allFindings.find((x) => x.id === findingId);
        const r = await call('conflicts.resolve', { findingId, action });
        if (focusId === findingId) setFocusId(null);
        await applyChange(r.change);
        const what = f ? `${nameOf(f.windowA)} vs ${nameOf(f.windowB)}` : `conflict ${findingId}`;
        if (action === 'ignore') {
          // Ignoring changes no label, so it has no place in the label undo history: its undo is a reopen.
          toast(`Ignored: ${what}`, { kind: 'info', action: { label: 'Undo', run: () => void actions.resolve(findingId, 'reopen') } });
        } else if (action === 'reopen') {
          toast(`Reopened: ${what}`, { kind: 'info' });
        } else {
          toast(`Resolved: ${what} (${action === 'copy-a-to-b' ? 'kept A' : action === 'copy-b-to-a' ? 'kept B' : 'marked resolved'}; Ctrl+Z undoes the copy)`);
        }
      }),

    /**
     * Another command that edits labels (review.accept), run like any edit here: busy while it runs,
     * its error in the error box, then the set, the view, the findings and the undo state refreshed.
     * `labels: false` for commands that leave labels alone (review.reject): only the edit counter moves.
     */
    apply: (fn: () => Promise<{ change: Change }>) =>
      run(async () => {
        const r = await fn();
        await applyChange(r.change);
      }),

    /**
     * Applies a change that a call made elsewhere on this page returned (bulk accept, its Undo toast):
     * this page's own events are skipped here, so whoever calls must hand the change over.
     */
    applyChange: (change: Change) => void applyChange(change).catch(fail),
    dismissError: () => setError(null),
    /** Reads the window's bars again (after the context-bars setting changed). */
    reload: () => void loadView().catch(fail),
  };

  const viewIndex = useCallback((l: Label) => (view ? [indexOfTime(view.chunk, l.startTime), indexOfTime(view.chunk, l.endTime)] : [-1, -1]), [view]);

  return {
    windows,
    current,
    currentIndex,
    labelCounts,
    isLabelled,
    conflictWindows,
    findings,
    allFindings,
    allSets,
    nameOf,
    /** The name the analyst gave this set, if any. */
    setName: names.sets[setId] as string | undefined,
    directory,
    warning,
    focusId,
    history,
    view,
    viewIndex,
    selected: labelAt(selectedId) ?? null,
    selectedId,
    activeType: type,
    error,
    busy,
    editSeq,
    actions,
  };
}

export type Workbench = ReturnType<typeof useWorkbench>;

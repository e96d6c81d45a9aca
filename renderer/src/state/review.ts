/**
 * Review mode: one run's predictions against the labels of the window set on screen. The summary
 * (every window's status, uncertainty and decision) is fetched once per change; the per-bar detail
 * (probabilities, Viterbi path, matches) only for the window on screen. Accepting goes through the
 * workbench like any label edit (one undo step, conflicts and counts refreshed); every label edit,
 * undo or decision refreshes the rows of the windows it touched and the counts (own edits at once,
 * others via events, debounced).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { Change, ReviewStatus, ReviewSummary, ReviewWindowDetail, ReviewWindowRow, RunSummary } from '../api/types.ts';
import { isOpenDisagreement } from '../../../core/review/queue.ts';
import { useServiceEvents } from './events.ts';
import type { Workbench } from './workbench.ts';

/** Chip order: disagreements first (most serious first), then agreement, then nothing to compare. */
export const STATUS_ORDER: readonly ReviewStatus[] = ['missed', 'extra', 'type', 'boundary', 'agree', 'unlabelled'];

/** A filter chip: one status, or the windows already decided. null = every window. */
export type ReviewFilter = ReviewStatus | 'decided' | null;

/** How many windows the "least sure" queue offers (the service computes it: review.summary's queue). */
export const QUEUE_SIZE = 20;
/** Coalesces the burst of events one edit sends into one refresh. */
const EVENT_DEBOUNCE_MS = 250;

export const STATUS_TEXT: Record<ReviewStatus, { label: string; help: string }> = {
  missed: { label: 'missed', help: 'a label the model found no span for' },
  extra: { label: 'extra', help: 'a predicted span where no label is' },
  type: { label: 'type', help: 'found, but predicted with another type' },
  boundary: { label: 'boundary', help: 'found, same type, but an edge is off by more than the tolerance' },
  agree: { label: 'agree', help: 'labels and predictions match' },
  unlabelled: { label: 'unlabelled', help: 'not labelled yet: nothing to compare' },
};

/** True for windows worth a look: a disagreement nobody decided on yet (core/review/queue.ts, shared with the CLI). */
export { isOpenDisagreement };

export function applyFilter(rows: readonly ReviewWindowRow[], filter: ReviewFilter): readonly ReviewWindowRow[] {
  if (filter == null) return rows;
  if (filter === 'decided') return rows.filter((r) => r.decision != null);
  return rows.filter((r) => r.status === filter);
}

interface Options {
  /** The run under review; null = review mode off (the hook then does nothing). */
  runId: number | null;
  setId: number;
  wb: Workbench;
}

export function useReview({ runId, setId, wb }: Options) {
  const windowId = wb.current?.id ?? null;
  const [summary, setSummary] = useState<ReviewSummary | null>(null);
  const [detail, setDetail] = useState<ReviewWindowDetail | null>(null);
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [progress, setProgress] = useState<{ fraction: number; message?: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [filter, setFilter] = useState<ReviewFilter>(null);
  const [deciding, setDeciding] = useState(false);
  /** Bumped after each completed summary refresh (data-review-seq, for tests). */
  const [seq, setSeq] = useState(0);

  // --- the completed runs, for the picker ----------------------------------------------------
  const loadRuns = useCallback(async () => {
    try {
      const all = await call('runs.list', {});
      setRuns(all.filter((r) => r.status === 'completed').sort((a, b) => b.id - a.id));
    } catch (e) {
      setError(toApiError(e));
    }
  }, []);
  useEffect(() => {
    void loadRuns();
  }, [loadRuns]);
  useServiceEvents(['training.finished'], () => void loadRuns());

  // --- the summary: one request at a time; asked again while one runs = once more after it -------
  // A refresh names the windows that changed (undefined = all). With a summary of this run already on
  // screen only those rows come back (the counts always cover the whole set), so an edit on a set of
  // 15,000 windows moves a few hundred bytes instead of megabytes.
  const inFlight = useRef(false);
  /** What to fetch after the request in flight: null = nothing, 'all', or the windows that changed. */
  const pending = useRef<Set<number> | 'all' | null>(null);
  const summaryRef = useRef(summary);
  summaryRef.current = summary;
  const runRef = useRef(runId);
  runRef.current = runId;

  const refreshSummary = useCallback(
    async (windowIds?: readonly number[]) => {
      const id = runRef.current;
      if (id == null) return;
      if (inFlight.current) {
        const p = pending.current;
        pending.current = !windowIds || p === 'all' ? 'all' : new Set([...(p ?? []), ...windowIds]);
        return;
      }
      inFlight.current = true;
      const base = summaryRef.current;
      const partial = windowIds !== undefined && base !== null && base.runId === id && base.complete;
      try {
        const s = await call('review.summary', { runId: id, setId, queueSize: QUEUE_SIZE, ...(partial ? { windowIds: [...windowIds] } : {}) });
        if (runRef.current === id) {
          if (partial) {
            const fresh = new Map(s.windows.map((r) => [r.windowId, r]));
            setSummary((cur) => (cur && cur.runId === id ? { ...s, windows: cur.windows.map((r) => fresh.get(r.windowId) ?? r), complete: true } : cur));
          } else setSummary(s);
          setError(null);
          setSeq((n) => n + 1);
        }
      } catch (e) {
        if (runRef.current === id) setError(toApiError(e));
      } finally {
        inFlight.current = false;
        setProgress(null);
        const next = pending.current;
        pending.current = null;
        if (next) void refreshSummary(next === 'all' ? undefined : [...next]);
      }
    },
    [setId],
  );

  // --- the detail of the window on screen (only that one: a series can have 15,000 windows) -------
  const detailSeq = useRef(0);
  const refreshDetail = useCallback(async () => {
    const id = runRef.current;
    const seqNow = ++detailSeq.current;
    if (id == null || windowId == null) return;
    try {
      const d = await call('review.window', { runId: id, windowId });
      if (seqNow === detailSeq.current) setDetail(d);
    } catch (e) {
      if (seqNow === detailSeq.current) setError(toApiError(e));
    }
  }, [windowId]);

  // A new run (or review mode turned on): start over.
  useEffect(() => {
    setSummary(null);
    setDetail(null);
    setError(null);
    setFilter(null);
    if (runId == null) return;
    void refreshSummary();
  }, [runId, refreshSummary]);

  // A new window on screen.
  useEffect(() => {
    if (runId == null) return;
    void refreshDetail();
  }, [runId, refreshDetail]);

  // Our own edits (accept, a drawn span) touch the window on screen: refresh its row at once. Edits
  // that reach other windows (undo after moving on, a conflict resolved by copying) arrive as events.
  const editSeq = wb.editSeq;
  const seenEdit = useRef(editSeq);
  useEffect(() => {
    if (editSeq === seenEdit.current) return;
    seenEdit.current = editSeq;
    if (runRef.current == null) return;
    void refreshSummary(windowId == null ? undefined : [windowId]);
    void refreshDetail();
  }, [editSeq, refreshSummary, refreshDetail, windowId]);

  // Changes named by events (any client, the CLI, a decision): the windows they name, debounced;
  // a new window set ('windows.changed') refreshes everything.
  const eventTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const eventWindows = useRef<Set<number> | 'all'>(new Set());
  useEffect(
    () => () => {
      if (eventTimer.current) clearTimeout(eventTimer.current);
    },
    [],
  );
  useServiceEvents(['labels.changed', 'review.changed', 'windows.changed', 'progress'], (name, payload) => {
    if (runRef.current == null) return;
    if (name === 'progress') {
      if (payload.task === 'review') setProgress(payload.fraction < 1 ? { fraction: payload.fraction, message: payload.message } : null);
      return;
    }
    if (name === 'review.changed' && payload.runId !== runRef.current) return;
    const ids = name === 'windows.changed' ? undefined : payload.windowIds;
    const acc = eventWindows.current;
    eventWindows.current = name === 'windows.changed' || !ids || acc === 'all' ? 'all' : new Set([...acc, ...ids]);
    if (eventTimer.current) clearTimeout(eventTimer.current);
    eventTimer.current = setTimeout(() => {
      const changed = eventWindows.current;
      eventWindows.current = new Set();
      void refreshSummary(changed === 'all' ? undefined : [...changed]);
      void refreshDetail();
    }, EVENT_DEBOUNCE_MS);
  });

  // --- derived --------------------------------------------------------------------------------
  const rows = useMemo(() => summary?.windows ?? [], [summary]);
  const row = useMemo(() => rows.find((r) => r.windowId === windowId) ?? null, [rows, windowId]);
  const filtered = useMemo(() => applyFilter(rows, filter), [rows, filter]);
  // The service's queue (over every window of the set), as rows of the summary on screen.
  const queue = useMemo(() => {
    const byId = new Map(rows.map((r) => [r.windowId, r]));
    return (summary?.queue ?? []).map((id) => byId.get(id)).filter((r): r is ReviewWindowRow => r !== undefined);
  }, [rows, summary]);
  /** The detail, only when it belongs to the window on screen (never a stale one mixed in). */
  const shown = detail && detail.windowId === windowId && detail.runId === runId ? detail : null;
  const run = runs?.find((r) => r.id === runId) ?? null;

  // --- actions --------------------------------------------------------------------------------
  const gotoWindow = useCallback(
    (id: number) => {
      const w = wb.windows.find((x) => x.id === id);
      if (w) wb.actions.goto(w);
    },
    [wb.windows, wb.actions],
  );

  /** The next row after the window on screen (in set order, wrapping) that passes `test`. */
  const nextWhere = (test: (r: ReviewWindowRow) => boolean) => {
    if (!rows.length) return undefined;
    const at = row ? rows.indexOf(row) : -1;
    for (let k = 1; k <= rows.length; k++) {
      const r = rows[(Math.max(at, 0) + k) % rows.length];
      if (r !== row && test(r)) return r;
    }
    return undefined;
  };

  /** Runs a decision through the workbench, which applies the change its result reports. */
  const decide = async (fn: () => Promise<{ change: Change }>) => {
    if (deciding) return;
    setDeciding(true);
    try {
      await wb.actions.apply(fn);
    } finally {
      setDeciding(false);
    }
  };

  const actions = {
    /** Accept the prediction (all its spans, or the one at `spanIndex`) as this window's labels. */
    accept: (spanIndex?: number) => {
      if (runId == null || windowId == null) return;
      void decide(() => call('review.accept', { runId, windowId, ...(spanIndex != null ? { spanIndex } : {}) }));
    },
    /** Reject the prediction; on an already rejected window, clear the decision. */
    reject: () => {
      if (runId == null || windowId == null) return;
      const clear = (shown?.decision ?? row?.decision) === 'rejected';
      void decide(() => call('review.reject', { runId, windowId, ...(clear ? { clear: true } : {}) }));
    },
    /** Confirm the model-written labels of this window (and an accepted "no span"): they become the analyst's (issue #12). */
    confirm: () => {
      if (windowId == null) return;
      void decide(() => call('review.confirm', { windowId }));
    },
    clearDecision: () => {
      if (runId == null || windowId == null) return;
      void decide(() => call('review.reject', { runId, windowId, clear: true }));
    },
    nextDisagreement: () => {
      const r = nextWhere(isOpenDisagreement);
      if (r) gotoWindow(r.windowId);
    },
    /** The least sure window after the one on screen in the queue (the first when it isn't in it). */
    nextUnsure: () => {
      const at = queue.findIndex((r) => r.windowId === windowId);
      const r = queue[at + 1] ?? (at > 0 ? queue[0] : undefined);
      if (r) gotoWindow(r.windowId);
    },
    gotoWindow,
    setFilter,
    dismissError: () => setError(null),
    retry: () => {
      setError(null);
      void refreshSummary();
      void refreshDetail();
    },
  };

  return {
    runId,
    run,
    runs,
    summary,
    detail: shown,
    row,
    rows,
    filtered,
    queue,
    filter,
    progress,
    error,
    deciding: deciding || wb.busy,
    seq,
    actions,
  };
}

export type Review = ReturnType<typeof useReview>;

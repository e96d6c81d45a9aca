/**
 * Where the analyst is: home, labelling a window of a window set, or training. Kept in the URL fragment
 * (#/set/3/window/57) so a reload comes back to the same window. Reviewing a run's predictions adds
 * `?review=<runId>` (#/set/3/window/57?review=5), so a reload stays in review mode too.
 */
import { useCallback, useEffect, useState } from 'react';

export type Route =
  | { view: 'home' }
  /**
   * `review`: the run whose predictions are shown next to the labels; null = plain labelling;
   * undefined (when navigating) = keep the current one (stepping between windows stays in review mode).
   */
  | { view: 'label'; setId: number; windowId: number | null; findingId?: number | null; review?: number | null }
  /**
   * Training: settings, the live run, the runs list; `runId` opens that run's report and `compare`
   * the comparison of those runs, each shown first (#/training/run/4, #/training/compare/1,3,4).
   */
  | { view: 'training'; runId: number | null; compare?: number[] };

/** Fired on window by setReviewRun (replaceState doesn't fire hashchange). */
const ROUTE_EVENT = 'candlemark:route';

export function parseRoute(hash: string): Route {
  const c = /^#\/training\/compare\/(\d+(?:,\d+)+)/.exec(hash);
  if (c) return { view: 'training', runId: null, compare: c[1].split(',').map(Number) };
  const t = /^#\/training(?:\/run\/(\d+))?/.exec(hash);
  if (t) return { view: 'training', runId: t[1] ? Number(t[1]) : null };
  const m = /^#\/set\/(\d+)(?:\/window\/(\d+))?/.exec(hash);
  if (!m) return { view: 'home' };
  const r = /[?&]review=(\d+)/.exec(hash);
  return { view: 'label', setId: Number(m[1]), windowId: m[2] ? Number(m[2]) : null, review: r ? Number(r[1]) : null };
}

export function formatRoute(r: Route): string {
  if (r.view === 'home') return '#/';
  if (r.view === 'training') return '#/training' + (r.compare?.length ? `/compare/${r.compare.join(',')}` : r.runId != null ? `/run/${r.runId}` : '');
  return `#/set/${r.setId}` + (r.windowId != null ? `/window/${r.windowId}` : '') + (r.review != null ? `?review=${r.review}` : '');
}

/** A label route that doesn't say which run to review keeps the one in the address bar (same set only). */
function withReview(r: Route): Route {
  if (r.view !== 'label' || r.review !== undefined) return r;
  const prev = parseRoute(window.location.hash);
  return { ...r, review: prev.view === 'label' && prev.setId === r.setId ? (prev.review ?? null) : null };
}

export function useRoute(): [Route, (r: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    window.addEventListener(ROUTE_EVENT, onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener(ROUTE_EVENT, onHash);
    };
  }, []);
  const go = useCallback((r: Route) => {
    const next = withReview(r);
    // replaceState: stepping through hundreds of windows shouldn't flood the back button.
    history.replaceState(null, '', formatRoute(next));
    setRoute(next);
  }, []);
  return [route, go];
}

/**
 * Opens a view as a new history entry (the browser's Back returns): reports, comparisons, links
 * from Home's counts. Stepping between windows keeps using `go` (replaceState).
 */
export function pushRoute(r: Route): void {
  window.location.hash = formatRoute(r);
}

/** The run under review in the address bar (label routes only), or null. */
export function reviewRunInHash(): number | null {
  const r = parseRoute(window.location.hash);
  return r.view === 'label' ? (r.review ?? null) : null;
}

/**
 * Review mode on (a run id) or off (null) for the label route in the address bar. Components that
 * don't own the route (the workbench) use this; every useRoute/useReviewRun follows.
 */
export function setReviewRun(runId: number | null): void {
  const r = parseRoute(window.location.hash);
  if (r.view !== 'label' || (r.review ?? null) === runId) return;
  history.replaceState(null, '', formatRoute({ ...r, review: runId }));
  window.dispatchEvent(new Event(ROUTE_EVENT));
}

/** The run under review, following the address bar (hash changes, setReviewRun, reloads). */
export function useReviewRun(): [number | null, (runId: number | null) => void] {
  const [runId, setRunId] = useState<number | null>(reviewRunInHash);
  useEffect(() => {
    const sync = () => setRunId(reviewRunInHash());
    window.addEventListener('hashchange', sync);
    window.addEventListener(ROUTE_EVENT, sync);
    return () => {
      window.removeEventListener('hashchange', sync);
      window.removeEventListener(ROUTE_EVENT, sync);
    };
  }, []);
  return [runId, setReviewRun];
}

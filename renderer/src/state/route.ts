/**
 * Where the analyst is: home, labelling a window of a window set, or training. Kept in the URL fragment
 * (#/set/3/window/57) so a reload comes back to the same window.
 */
import { useCallback, useEffect, useState } from 'react';

export type Route =
  | { view: 'home' }
  | { view: 'label'; setId: number; windowId: number | null; findingId?: number | null }
  /** Training: settings, the live run, the runs list; `runId` opens that run's report. */
  | { view: 'training'; runId: number | null };

export function parseRoute(hash: string): Route {
  const t = /^#\/training(?:\/run\/(\d+))?/.exec(hash);
  if (t) return { view: 'training', runId: t[1] ? Number(t[1]) : null };
  const m = /^#\/set\/(\d+)(?:\/window\/(\d+))?/.exec(hash);
  if (!m) return { view: 'home' };
  return { view: 'label', setId: Number(m[1]), windowId: m[2] ? Number(m[2]) : null };
}

export function formatRoute(r: Route): string {
  if (r.view === 'home') return '#/';
  if (r.view === 'training') return '#/training' + (r.runId != null ? `/run/${r.runId}` : '');
  return `#/set/${r.setId}` + (r.windowId != null ? `/window/${r.windowId}` : '');
}

export function useRoute(): [Route, (r: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = useCallback((r: Route) => {
    // replaceState: stepping through hundreds of windows shouldn't flood the back button.
    history.replaceState(null, '', formatRoute(r));
    setRoute(r);
  }, []);
  return [route, go];
}

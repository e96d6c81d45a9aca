/** The project overview (project.info), refreshed on demand and when the service says data changed. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { ProjectInfo } from '../api/types.ts';
import { useServiceEvents } from './events.ts';

export function useProjectInfo(): { info: ProjectInfo | null; error: ApiError | null; refresh(): Promise<void> } {
  const [info, setInfo] = useState<ProjectInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = useCallback(async () => {
    try {
      setInfo(await call('project.info', {}));
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // project.info walks every window and label: coalesce bursts of events into one refresh.
  useServiceEvents(['labels.changed', 'findings.changed', 'series.changed', 'windows.changed'], () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void refresh(), 400);
  });
  return { info, error, refresh };
}

/**
 * Long tasks: the service's `progress` events (when the event channel is up) and the renderer's
 * own steps (reading a file, uploading) feed one progress bar per task name.
 */
import { useCallback, useRef, useState } from 'react';
import { useServiceEvents } from './events.ts';

export interface TaskProgress {
  task: string;
  /** null = indeterminate. */
  fraction: number | null;
  message?: string;
}

export function useProgress(): { tasks: TaskProgress[]; begin(task: string, message?: string): void; update(p: TaskProgress): void; end(task: string): void } {
  const [tasks, setTasks] = useState<TaskProgress[]>([]);
  const active = useRef(new Set<string>());
  const update = useCallback((p: TaskProgress) => {
    setTasks((ts) => [...ts.filter((t) => t.task !== p.task), p]);
  }, []);
  const begin = useCallback(
    (task: string, message?: string) => {
      active.current.add(task);
      update({ task, fraction: null, message });
    },
    [update],
  );
  const end = useCallback((task: string) => {
    active.current.delete(task);
    setTasks((ts) => ts.filter((t) => t.task !== task));
  }, []);
  useServiceEvents(['progress'], (_n, payload) => {
    const p = payload;
    // Only tasks this page started get a bar; others (another window's import) would only confuse.
    if (active.current.has(p.task) && p.fraction < 1) update({ task: p.task, fraction: p.fraction, message: p.message });
  });
  return { tasks, begin, update, end };
}

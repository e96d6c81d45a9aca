/**
 * Names the analyst gave window sets and runs (names.list), shared by every view that names them:
 * read once, again after a rename here or a windows change elsewhere.
 */
import { useEffect, useState } from 'react';
import { call } from '../api/client.ts';
import { useServiceEvents } from './events.ts';

export interface Names {
  sets: Record<number, string>;
  runs: Record<number, string>;
}

let current: Names = { sets: {}, runs: {} };
const listeners = new Set<(n: Names) => void>();

export async function refreshNames(): Promise<void> {
  current = await call('names.list', {});
  for (const l of listeners) l(current);
}

export async function renameSet(setId: number, name: string): Promise<void> {
  await call('windows.renameSet', { setId, name });
  await refreshNames();
}

export async function renameRun(runId: number, name: string): Promise<void> {
  await call('runs.rename', { runId, name });
  await refreshNames();
}

export function useNames(): Names {
  const [names, setNames] = useState(current);
  useEffect(() => {
    listeners.add(setNames);
    void refreshNames().catch(() => undefined);
    return () => void listeners.delete(setNames);
  }, []);
  useServiceEvents(['windows.changed'], () => void refreshNames().catch(() => undefined));
  return names;
}

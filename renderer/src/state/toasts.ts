/**
 * Short confirmations after an action ("Conflict ignored — Undo", "Accepted 2 spans", "Imported
 * spy_1d"): one small store any component can push to, shown by <Toasts/>. A toast may carry one
 * action (Undo), and goes away by itself after a few seconds.
 */
import { useEffect, useState } from 'react';

export interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'warn' | 'info';
  action?: { label: string; run(): void };
}

const LIFETIME_MS = 7000;
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<(t: Toast[]) => void>();

function publish() {
  for (const l of listeners) l(toasts);
}

export function toast(text: string, opts: { kind?: Toast['kind']; action?: Toast['action'] } = {}): number {
  const t: Toast = { id: nextId++, text, kind: opts.kind ?? 'ok', action: opts.action };
  // Keep the latest few: a burst of edits shouldn't pile up a column of them.
  toasts = [...toasts.slice(-3), t];
  publish();
  setTimeout(() => dismissToast(t.id), LIFETIME_MS);
  return t.id;
}

export function dismissToast(id: number): void {
  if (!toasts.some((t) => t.id === id)) return;
  toasts = toasts.filter((t) => t.id !== id);
  publish();
}

export function useToasts(): Toast[] {
  const [list, setList] = useState(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  return list;
}

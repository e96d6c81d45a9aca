/**
 * Events the service pushes to its host (and on to the renderer or terminal). Hosts forward
 * them as-is; a renderer subscribes once and refreshes what each event names.
 */
export interface ServiceEvents {
  /** A long task moved forward. `fraction` in [0, 1]; `task` names it for the UI. */
  progress: { task: string; fraction: number; message?: string };
  /** Labels of these windows changed (add/update/delete/undo/redo/import/resolve). */
  'labels.changed': { windowIds: number[] };
  /** Findings were recomputed; `open` is the new count of open findings. */
  'findings.changed': { open: number };
  'series.changed': { seriesId: string };
  'windows.changed': { setId: number };
  /** A run's row exists and its worker is training; `backend`/`device` say what runs it. */
  'training.started': { runId: number; backend: string; device: string };
  /** One finished training epoch of a run (the metrics object is the training engine's EpochEvent). */
  'training.epoch': { runId: number; member: number; epoch: number; epochs: number; metrics: unknown; etaSeconds: number | null };
  'training.finished': { runId: number; status: string };
  /** Review decisions on these windows' predictions changed (accept / reject). */
  'review.changed': { runId: number; windowIds: number[] };
}

export type EventName = keyof ServiceEvents;
export type Listener<K extends EventName> = (payload: ServiceEvents[K]) => void;

/** A tiny typed emitter: no Node EventEmitter, so the same code runs in a browser bundle. */
export class TypedEmitter {
  private listeners = new Map<EventName, Set<(p: unknown) => void>>();

  on<K extends EventName>(name: K, fn: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn as (p: unknown) => void);
    return () => set.delete(fn as (p: unknown) => void);
  }

  /** Subscribe to every event, e.g. to forward them over IPC or a WebSocket. */
  onAny(fn: (name: EventName, payload: unknown) => void): () => void {
    const offs = (['progress', 'labels.changed', 'findings.changed', 'series.changed', 'windows.changed', 'training.started', 'training.epoch', 'training.finished', 'review.changed'] as EventName[]).map(
      (name) => this.on(name, (p) => fn(name, p)),
    );
    return () => offs.forEach((off) => off());
  }

  emit<K extends EventName>(name: K, payload: ServiceEvents[K]): void {
    for (const fn of this.listeners.get(name) ?? []) fn(payload);
  }
}

/**
 * What every command handler gets: the open project, the event sink, and the shared helpers
 * (time <-> index maps, conflict recomputation) that keep derived state in step with labels.
 * Each call gets its own view (`forCall`) whose events name the calling client; state kept per
 * project (caches, runs in progress) hangs off `shared`, the one context of the open project.
 */
import type { ProjectStore } from '../store/project-store.ts';
import type { EventSink, TypedEmitter } from './events.ts';
import { TimeIndex } from './time-index.ts';
import { CandlemarkError } from './errors.ts';
import type { TrainingFault } from '../ml/training/worker-types.ts';

/** Failure injection for tests of the hosts (never reachable through a command's arguments). */
export interface ServiceDebugOptions {
  trainingFault?: TrainingFault | null;
}

export class ServiceContext {
  private timeIndexes = new Map<string, TimeIndex>();
  /** The project's one context (per-call views inherit it): the key for state kept per open project. */
  readonly shared: ServiceContext;
  /** Where handlers emit; a per-call view's sink stamps the calling client on each event. */
  readonly events: EventSink;
  /** The client whose call this context serves (null: the project's own context, the CLI). */
  readonly clientId: string | null = null;
  /** Set (on the shared context) once the project is closing: work queued for later must not start. */
  closing = false;

  constructor(
    readonly store: ProjectStore,
    readonly emitter: TypedEmitter,
    /** Who is editing; recorded on labels. */
    readonly author: string,
    readonly debug: ServiceDebugOptions = {},
  ) {
    this.shared = this;
    this.events = emitter;
  }

  /** A view of this context for one call by `clientId`: same project and caches, events stamped with the client. */
  forCall(clientId: string | null): ServiceContext {
    if (clientId === null) return this.shared;
    const view = Object.create(this.shared) as ServiceContext;
    Object.defineProperties(view, { events: { value: this.emitter.from(clientId) }, clientId: { value: clientId } });
    return view;
  }

  /** Bar times of a series, cached until the series is re-imported. */
  timeIndex(seriesId: string): TimeIndex {
    const root = this.shared;
    let index = root.timeIndexes.get(seriesId);
    if (!index) {
      if (!this.store.getSeries(seriesId)) throw new CandlemarkError('not-found', `no series "${seriesId}" in this project`);
      index = new TimeIndex(this.store.readTimes(seriesId));
      root.timeIndexes.set(seriesId, index);
    }
    return index;
  }

  forgetSeries(seriesId: string): void {
    this.shared.timeIndexes.delete(seriesId);
  }

  progress(task: string, fraction: number, message?: string): void {
    this.events.emit('progress', { task, fraction: Math.max(0, Math.min(1, fraction)), message });
  }
}

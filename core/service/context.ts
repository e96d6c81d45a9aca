/**
 * What every command handler gets: the open project, the event emitter, and the shared helpers
 * (time <-> index maps, conflict recomputation) that keep derived state in step with labels.
 */
import type { ProjectStore } from '../store/project-store.ts';
import type { TypedEmitter } from './events.ts';
import { TimeIndex } from './time-index.ts';
import { CandlemarkError } from './errors.ts';
import type { TrainingFault } from '../ml/training/worker-types.ts';

/** Failure injection for tests of the hosts (never reachable through a command's arguments). */
export interface ServiceDebugOptions {
  trainingFault?: TrainingFault | null;
}

export class ServiceContext {
  private timeIndexes = new Map<string, TimeIndex>();

  constructor(
    readonly store: ProjectStore,
    readonly events: TypedEmitter,
    /** Who is editing; recorded on labels. */
    readonly author: string,
    readonly debug: ServiceDebugOptions = {},
  ) {}

  /** Bar times of a series, cached until the series is re-imported. */
  timeIndex(seriesId: string): TimeIndex {
    let index = this.timeIndexes.get(seriesId);
    if (!index) {
      if (!this.store.getSeries(seriesId)) throw new CandlemarkError('not-found', `no series "${seriesId}" in this project`);
      index = new TimeIndex(this.store.readTimes(seriesId));
      this.timeIndexes.set(seriesId, index);
    }
    return index;
  }

  forgetSeries(seriesId: string): void {
    this.timeIndexes.delete(seriesId);
  }

  progress(task: string, fraction: number, message?: string): void {
    this.events.emit('progress', { task, fraction: Math.max(0, Math.min(1, fraction)), message });
  }
}

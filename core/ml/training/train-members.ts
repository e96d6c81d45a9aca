/**
 * One training of a run's ensemble on one dataset, with every epoch stored as it arrives: what a
 * holdout run (run.ts) does once and a walk-forward run (walk-forward-run.ts) does per fold. One
 * place, so both paths train with the same settings and store epochs under the same keys.
 *
 * Epoch rows are keyed member · epochs + epoch. A walk-forward fold passes `memberOffset` (fold f's
 * member m is run member (f − 1) · ensemble + m), so its curves are separate members in the app.
 */
import type { ProjectStore } from '../../store/index.ts';
import type { ModelSpec } from '../model/types.ts';
import type { EpochEvent } from '../eval/types.ts';
import type { Dataset } from './dataset.ts';
import { trainEnsemble, type EnsembleResult } from './train.ts';
import { trainEnsembleParallel } from './parallel-ensemble.ts';
import type { resolved } from './run.ts';

export interface MemberTraining {
  store: ProjectStore;
  runId: number;
  cfg: ReturnType<typeof resolved>;
  spec: ModelSpec;
  data: Pick<Dataset, 'trainX' | 'train' | 'valX' | 'val'>;
  seeds: number[];
  /** Members side by side in worker threads when > 1 (parallel-ensemble.ts), else one after another here. */
  threads: number;
  /** The backend the run chose (what each member thread selects). */
  backend: string;
  /** Added to each event's member index (walk-forward folds). */
  memberOffset?: number;
  signal?: AbortSignal;
  onEpoch?: (e: EpochEvent) => void;
}

export function trainRunMembers(t: MemberTraining): Promise<EnsembleResult> {
  const { cfg, data, store, runId } = t;
  const offset = t.memberOffset ?? 0;
  const options = {
    spec: t.spec,
    data: { trainX: data.trainX, trainTargets: data.train.map((r) => r.targets), valX: data.valX, valTargets: data.val.map((r) => r.targets) },
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    seeds: t.seeds,
    taskWeighting: cfg.taskWeighting,
    lrSchedule: cfg.lrSchedule,
    weightAverage: cfg.weightAverage,
    weightDecay: cfg.weightDecay,
    gradClip: cfg.gradClip || undefined,
    epochCriterion: cfg.epochCriterion,
    earlyStopping: cfg.earlyStopping ?? undefined,
    signal: t.signal,
    onEpoch: (e: EpochEvent) => {
      const ev = offset ? { ...e, member: offset + e.member } : e;
      store.transaction(() => store.appendEpoch(runId, ev.member * cfg.epochs + ev.epoch, ev, ev.seconds));
      t.onEpoch?.(ev);
    },
  };
  return t.threads > 1 ? trainEnsembleParallel({ ...options, threads: t.threads, backend: t.backend }) : trainEnsemble(options);
}

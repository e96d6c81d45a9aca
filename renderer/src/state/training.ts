/**
 * Training from the renderer: the settings (remembered in localStorage, so Retrain is one click),
 * the live run fed by `training.*` events. "Both" (soft, then CRF) is scheduled by the service
 * (train.start model 'both'; event 'training.queued'): this only shows it. Lives at the app
 * level so a run keeps streaming while the analyst labels; the training itself runs in a worker
 * on the host side.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { CommandInput, EpochEvent, RunStatus } from '../api/types.ts';
import { useReconnect, useServiceEvents } from './events.ts';
import { DEFAULT_SETTINGS, NO_AVERAGING, type ModelChoice, type TrainSettings } from './train-settings.ts';

export { PRESET_EPOCHS, DEFAULT_SETTINGS } from './train-settings.ts';
export type { ModelChoice, Preset, TrainSettings } from './train-settings.ts';

const STORAGE_KEY = 'candlemark.training.settings';

export function loadSettings(): TrainSettings {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return DEFAULT_SETTINGS;
    const s = { ...DEFAULT_SETTINGS, ...(JSON.parse(raw) as Partial<TrainSettings>) };
    return sanitize(s);
  } catch {
    return DEFAULT_SETTINGS;
  }
}

function sanitize(s: TrainSettings): TrainSettings {
  const int = (v: unknown, lo: number, hi: number, d: number) => (Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi ? (v as number) : d);
  return {
    model: ['soft', 'crf', 'both'].includes(s.model) ? s.model : 'soft',
    preset: ['quick', 'standard', 'thorough', 'custom'].includes(s.preset) ? s.preset : 'quick',
    epochs: int(s.epochs, 1, 1000, 5),
    batchSize: int(s.batchSize, 1, 1024, 16),
    learningRate: typeof s.learningRate === 'number' && s.learningRate > 0 && s.learningRate <= 1 ? s.learningRate : DEFAULT_SETTINGS.learningRate,
    encoder: s.encoder === 'conv-attn' ? 'conv-attn' : 'conv',
    featureSet: s.featureSet === 'generic' || s.featureSet === 'expansion' ? s.featureSet : 'default',
    averaging: s.averaging !== false,
    ensemble: int(s.ensemble, 1, 16, 1),
    seed: int(s.seed, 0, Number.MAX_SAFE_INTEGER, 1),
    contradictions: s.contradictions === 'mask' || s.contradictions === 'down-weight' ? s.contradictions : 'train-both',
    labelSource: typeof s.labelSource === 'string' && (s.labelSource === 'consensus' || /^annotator:.+/.test(s.labelSource)) ? s.labelSource : 'all',
    annotatorWeights: Object.fromEntries(Object.entries(s.annotatorWeights ?? {}).filter(([, v]) => typeof v === 'number' && v >= 0 && v <= 1)),
    walkForwardFolds: int(s.walkForwardFolds, 2, 10, 0),
  };
}

export function saveSettings(s: TrainSettings): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  } catch {
    // Private mode or full storage: the settings just aren't remembered.
  }
}

// The window set the analyst was last labelling: the Retrain form's default set (issue #9).
const LAST_SET_KEY = 'candlemark.training.lastLabelledSet';

export function lastLabelledSet(): number | null {
  try {
    const v = Number(localStorage.getItem(LAST_SET_KEY));
    return Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

/** Called by App whenever the label view shows a set. */
export function rememberLabelledSet(setId: number): void {
  try {
    localStorage.setItem(LAST_SET_KEY, String(setId));
  } catch {
    // Not remembered: the form falls back to the newest set.
  }
}

/** Settings of one run, with the window set it trains on (always explicit from the UI). */
type RunSettings = TrainSettings & { setId: number };

function trainArgs(s: RunSettings, model: ModelChoice): CommandInput<'train.start'> {
  return {
    setId: s.setId,
    model,
    epochs: s.epochs,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    encoder: s.encoder,
    ...(s.featureSet !== 'default' ? { features: s.featureSet } : {}),
    ...(s.averaging ? {} : NO_AVERAGING),
    ensemble: s.ensemble,
    seed: s.seed,
    contradictions: s.contradictions,
    ...labelSourceArgs(s),
    ...(s.walkForwardFolds >= 2 ? { evaluation: 'walk-forward' as const, folds: s.walkForwardFolds } : {}),
  };
}

/** Issue #12, point 4: the settings' label source as train.start's arguments (weights only with 'all', and only when some differ from 1). */
export function labelSourceArgs(
  s: Pick<TrainSettings, 'labelSource' | 'annotatorWeights'>,
): Pick<CommandInput<'train.start'>, 'labelSource' | 'annotatorWeights'> {
  if (s.labelSource === 'consensus') return { labelSource: 'consensus' };
  if (s.labelSource.startsWith('annotator:')) return { labelSource: { annotator: s.labelSource.slice('annotator:'.length) } };
  const weights = Object.fromEntries(Object.entries(s.annotatorWeights).filter(([, v]) => v !== 1));
  return Object.keys(weights).length ? { labelSource: 'all', annotatorWeights: weights } : {};
}

export interface LiveRun {
  runId: number;
  model: string;
  status: 'running' | RunStatus;
  backend: string;
  device: string;
  /** Every epoch event of the run (all ensemble members), in arrival order. */
  epochs: EpochEvent[];
  /** The latest event's position: member (0-based), epoch x of y, seconds left. */
  member: number;
  members: number;
  epoch: number;
  epochsPlanned: number;
  etaSeconds: number | null;
}

export interface Training {
  live: LiveRun | null;
  /** A run is being started or is training (the Retrain button waits). */
  busy: boolean;
  /** Runs still to start after the live one (the CRF half of "both"). */
  queued: number;
  error: ApiError | null;
  clearError(): void;
  /** Bumped whenever a run starts or ends: lists refresh on it. */
  version: number;
  /** Trains on window set `setId` (the UI always names the set: no "newest labelled set" guess). */
  start(s: TrainSettings, setId: number): Promise<void>;
  cancel(): Promise<void>;
}

export function useTraining(): Training {
  const [live, setLive] = useState<LiveRun | null>(null);
  const [starting, setStarting] = useState(false);
  /** The run the service queued behind the live one ("both"), until 'training.queued' says it started or was dropped. */
  const [queue, setQueue] = useState<{ afterRunId: number; model: 'soft' | 'crf' } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  const liveRef = useRef(live);
  liveRef.current = live;
  const queueRef = useRef(queue);
  queueRef.current = queue;
  /** The run being started: 'training.started' can arrive before train.start answers. */
  const pending = useRef<{ settings: RunSettings; model: 'soft' | 'crf' } | null>(null);
  /** The settings of the last start: the queued run trains with the same ones. */
  const lastSettings = useRef<RunSettings | null>(null);

  const launch = useCallback(async (settings: RunSettings, choice: ModelChoice) => {
    setStarting(true);
    const model = choice === 'both' ? 'soft' : choice;
    pending.current = { settings, model };
    lastSettings.current = settings;
    try {
      const r = await call('train.start', trainArgs(settings, choice));
      setQueue(r.queued ? { afterRunId: r.runId, model: r.queued } : null);
      setLive((cur) =>
        cur && cur.runId === r.runId
          ? {
              ...cur,
              model,
              backend: r.backend,
              device: r.device,
              members: Math.max(cur.members, settings.ensemble),
              epochsPlanned: cur.epochsPlanned || settings.epochs,
            }
          : {
              runId: r.runId,
              model,
              status: 'running',
              backend: r.backend,
              device: r.device,
              epochs: [],
              member: 0,
              members: settings.ensemble,
              epoch: 0,
              epochsPlanned: settings.epochs,
              etaSeconds: null,
            },
      );
      setError(null);
    } catch (e) {
      setError(toApiError(e));
      setQueue(null);
    } finally {
      pending.current = null;
      setStarting(false);
      setVersion((v) => v + 1);
    }
  }, []);

  const start = useCallback(
    async (settings: TrainSettings, setId: number) => {
      saveSettings(settings);
      const s: RunSettings = { ...settings, setId };
      await launch(s, s.model);
    },
    [launch],
  );

  const cancel = useCallback(async () => {
    // Cancelling the first run of "both" drops the second in the service too (it only follows a completed run).
    setQueue(null);
    const cur = liveRef.current;
    if (!cur || cur.status !== 'running') return;
    try {
      await call('train.cancel', { runId: cur.runId });
    } catch (e) {
      setError(toApiError(e));
    }
  }, []);

  useServiceEvents(['training.started', 'training.epoch', 'training.finished', 'training.queued'], (name, payload) => {
    if (name === 'training.queued') {
      // The service started (or dropped) the run it queued behind ours: the live view follows the started one.
      if (queueRef.current?.afterRunId === payload.afterRunId) setQueue(null);
      return;
    }
    if (name === 'training.started') {
      const p = payload;
      // Ours (being started here), the one the service queued behind ours, or one started elsewhere.
      const queued = queueRef.current;
      const mine = pending.current ?? (queued && lastSettings.current ? { settings: lastSettings.current, model: queued.model } : null);
      setLive((cur) =>
        cur && cur.runId === p.runId
          ? { ...cur, backend: p.backend, device: p.device }
          : {
              runId: p.runId,
              model: mine?.model ?? '',
              status: 'running',
              backend: p.backend,
              device: p.device,
              epochs: [],
              member: 0,
              members: mine?.settings.ensemble ?? 1,
              epoch: 0,
              epochsPlanned: mine?.settings.epochs ?? 0,
              etaSeconds: null,
            },
      );
      setVersion((v) => v + 1);
    } else if (name === 'training.epoch') {
      const p = payload;
      setLive((cur) => {
        if (!cur || cur.runId !== p.runId) return cur;
        return {
          ...cur,
          epochs: [...cur.epochs, p.metrics],
          member: p.member,
          members: Math.max(cur.members, p.member + 1),
          epoch: p.epoch,
          epochsPlanned: p.epochs,
          etaSeconds: p.etaSeconds,
        };
      });
    } else {
      const p = payload;
      setLive((cur) => (cur && cur.runId === p.runId ? { ...cur, status: p.status, etaSeconds: 0 } : cur));
      setVersion((v) => v + 1);
    }
  });

  // Back from a dropped connection: the run we show may have ended (or its host died) unseen, and
  // epochs may have been missed. The store has the truth.
  useReconnect(() => {
    const cur = liveRef.current;
    if (!cur || cur.status !== 'running') return;
    void call('runs.get', { runId: cur.runId })
      .then((d) => {
        const epochs = d.epochs.map((e) => e.metrics);
        const last = epochs[epochs.length - 1];
        setLive((c) =>
          c && c.runId === d.id
            ? {
                ...c,
                status: d.status,
                epochs,
                member: last?.member ?? c.member,
                epoch: last?.epoch ?? c.epoch,
                etaSeconds: d.status === 'running' ? c.etaSeconds : 0,
              }
            : c,
        );
        if (d.status !== 'running' && d.status !== 'completed') setQueue(null);
        setVersion((v) => v + 1);
      })
      .catch((e: unknown) => setError(toApiError(e)));
  });

  // After a reload: pick up a run that is still training (its epochs so far come from the store).
  useEffect(() => {
    let dead = false;
    void (async () => {
      try {
        const runs = await call('runs.list', { includeIncomplete: true });
        const running = runs.filter((r) => r.status === 'running').sort((a, b) => b.id - a.id)[0];
        if (!running || dead) return;
        const detail = await call('runs.get', { runId: running.id });
        const epochs = detail.epochs.map((e) => e.metrics);
        const last = epochs[epochs.length - 1];
        const cfg = detail.config as { epochs?: number; ensemble?: number };
        if (dead) return;
        setLive(
          (cur) =>
            cur ?? {
              runId: detail.id,
              model: detail.model,
              status: 'running',
              backend: detail.backend,
              device: detail.device,
              epochs,
              member: last?.member ?? 0,
              members: cfg.ensemble ?? 1,
              epoch: last?.epoch ?? 0,
              epochsPlanned: last?.epochs ?? cfg.epochs ?? 0,
              etaSeconds: null,
            },
        );
      } catch {
        // The runs list shows the error; nothing to resume here.
      }
    })();
    return () => {
      dead = true;
    };
  }, []);

  return {
    live,
    busy: starting || live?.status === 'running',
    queued: queue ? 1 : 0,
    error,
    clearError: useCallback(() => setError(null), []),
    version,
    start,
    cancel,
  };
}

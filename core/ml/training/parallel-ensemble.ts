/**
 * Ensemble members trained side by side, each in its own worker thread (issue #11 point 8). tfjs's
 * wasm and cpu backends run one thread per worker, so on a machine with cores to spare a 3-member
 * ensemble takes about as long as its slowest member instead of the sum.
 *
 * Results are the same as sequential training (train.ts trainEnsemble) for the same seeds: a
 * member's initialisation and shuffling depend only on its seed, and each thread runs the same
 * kernels on the same backend (test/ml/parallel-ensemble.test.ts compares weights and reports).
 * The trained weights come back as the saved-weights form (SavedWeights) and are rebuilt here.
 *
 * How many threads: `memberThreads` (run option), else `CANDLEMARK_MEMBER_THREADS`, else
 * os.availableParallelism() − 1 (one core is left to the host), never more than the members;
 * 1 or less trains one member after another in this thread, as before.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { importSpanModel } from '../model/index.ts';
import type { EpochEvent } from '../eval/types.ts';
import type { EnsembleResult, TrainOptions } from './train.ts';
import type { MemberInput, MemberMessage } from './member-types.ts';

const MEMBER_WORKER_URL = new URL('./member-worker-bootstrap.mjs', import.meta.url);

/** Threads for `members` members (see the file comment); 1 = sequential. */
export function memberThreads(members: number, setting?: number | null, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.CANDLEMARK_MEMBER_THREADS !== undefined && env.CANDLEMARK_MEMBER_THREADS !== '' ? Number(env.CANDLEMARK_MEMBER_THREADS) : NaN;
  const cap = setting ?? (Number.isFinite(fromEnv) ? fromEnv : os.availableParallelism() - 1);
  return Math.max(1, Math.min(members, Math.floor(cap)));
}

export type ParallelEnsembleOptions = Omit<TrainOptions, 'member' | 'seed' | 'onEpochPredictions'> & {
  seeds: number[];
  /** Worker threads at once (>= 2; see memberThreads). */
  threads: number;
  /** The backend every member thread selects (the one the run chose). */
  backend: string;
};

/** Trains each member in its own worker thread, at most `threads` at once. Same result shape as trainEnsemble. */
export async function trainEnsembleParallel(opts: ParallelEnsembleOptions): Promise<EnsembleResult> {
  const t0 = performance.now();
  const workers = new Set<Worker>();
  const results: EnsembleResult['members'] = new Array(opts.seeds.length);
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    for (const w of workers) w.postMessage({ type: 'cancel' });
  };
  opts.signal?.addEventListener('abort', onAbort);

  const runMember = (m: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const seed = opts.seeds[m];
      const input: MemberInput = {
        backend: opts.backend,
        member: m,
        seed,
        options: {
          spec: { ...opts.spec, seed },
          data: opts.data,
          epochs: opts.epochs,
          batchSize: opts.batchSize,
          learningRate: opts.learningRate,
          earlyStopping: opts.earlyStopping,
          evalBatchSize: opts.evalBatchSize,
          skipUntrained: opts.skipUntrained,
          taskWeighting: opts.taskWeighting,
          lrSchedule: opts.lrSchedule,
          weightAverage: opts.weightAverage,
          weightDecay: opts.weightDecay,
          gradClip: opts.gradClip,
          epochCriterion: opts.epochCriterion,
        },
      };
      const worker = new Worker(MEMBER_WORKER_URL, { workerData: input });
      workers.add(worker);
      if (cancelled) worker.postMessage({ type: 'cancel' });
      let settled = false;
      worker.on('message', (msg: MemberMessage) => {
        if (msg.type === 'epoch') return opts.onEpoch?.(msg.event as EpochEvent);
        settled = true;
        if (msg.type === 'error') return reject(new Error(`ensemble member ${m + 1} (seed ${seed}): ${msg.message}`));
        const r = msg.result;
        results[m] = { ...r, seed, model: r.weights ? importSpanModel(r.weights) : null };
        resolve();
      });
      worker.on('error', (e) => {
        settled = true;
        reject(e);
      });
      worker.on('exit', (code) => {
        workers.delete(worker);
        if (!settled) reject(new Error(`ensemble member ${m + 1} (seed ${seed}): its thread exited with code ${code} before finishing`));
      });
    });

  try {
    // A simple pool: each slot takes the next member until none are left.
    let next = 0;
    const slots = Array.from({ length: Math.min(opts.threads, opts.seeds.length) }, async () => {
      while (next < opts.seeds.length && !cancelled) await runMember(next++);
    });
    await Promise.all(slots);
  } catch (e) {
    for (const r of results) r?.model?.dispose();
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all([...workers].map((w) => w.terminate()));
  }
  const members = results.filter((r) => r !== undefined);
  if (cancelled || members.length < opts.seeds.length || members.some((r) => r.status === 'cancelled')) {
    for (const r of members) r.model?.dispose();
    return { status: 'cancelled', members, seconds: (performance.now() - t0) / 1000 };
  }
  return { status: 'completed', members, seconds: (performance.now() - t0) / 1000 };
}

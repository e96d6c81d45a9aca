/**
 * Ensemble members in parallel worker threads (issue #11 point 8, core/ml/training/parallel-ensemble.ts):
 * the same seeds give the same run as training the members one after another (weights byte for
 * byte, report figures, predictions), on real training (wasm, tiny data); the thread count rule;
 * cancellation stops every member thread.
 */
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../../core/store/index.ts';
import { runTraining } from '../../../core/ml/training/run.ts';
import { memberThreads } from '../../../core/ml/training/parallel-ensemble.ts';
import type { RunReport } from '../../../core/ml/eval/report.ts';
import { CandlemarkService } from '../../../core/service/service.ts';
import { makeDemoProject, TINY } from './helpers.ts';

let store: ProjectStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

/** A report without what depends on timing (seconds, timing) or identity (run id, config). */
function figures(report: RunReport): unknown {
  return JSON.parse(JSON.stringify(report, (k, v) => (k === 'seconds' || k === 'timing' || k === 'runId' || k === 'config' ? undefined : v)));
}

describe('memberThreads', () => {
  it('takes the setting, else CANDLEMARK_MEMBER_THREADS, else cores − 1; never more than the members, at least 1', () => {
    expect(memberThreads(3, 8)).toBe(3);
    expect(memberThreads(3, 2)).toBe(2);
    expect(memberThreads(3, 0)).toBe(1);
    expect(memberThreads(5, undefined, { CANDLEMARK_MEMBER_THREADS: '4' })).toBe(4);
    expect(memberThreads(5, undefined, { CANDLEMARK_MEMBER_THREADS: '1' })).toBe(1);
    const cores = os.availableParallelism();
    expect(memberThreads(64, undefined, {})).toBe(Math.max(1, Math.min(64, cores - 1)));
  });
});

describe('ensemble members in parallel threads', () => {
  it('a 3-member ensemble trained in 3 threads equals the same ensemble trained one member after another', async () => {
    const p = makeDemoProject(7);
    store = ProjectStore.open(p.file);
    const opts = { setId: p.setId, head: 'soft' as const, ...TINY, epochs: 2, ensemble: 3, seed: 11 };
    const epochMembers: number[] = [];
    const seq = await runTraining(store, { ...opts, memberThreads: 1 });
    const par = await runTraining(store, { ...opts, memberThreads: 3, onEpoch: (e) => epochMembers.push(e.member) });
    expect([seq.status, par.status]).toEqual(['completed', 'completed']);
    expect([
      (store.getRun(seq.runId)!.config as { memberThreads: number }).memberThreads,
      (store.getRun(par.runId)!.config as { memberThreads: number }).memberThreads,
    ]).toEqual([1, 3]);
    // Every member's epochs came back from its thread (in whatever order the threads finished them).
    expect([...epochMembers].sort()).toEqual([0, 0, 1, 1, 2, 2]);
    expect(store.listEpochs(par.runId)).toHaveLength(6);
    // Same weights, byte for byte, member by member.
    const a = store.loadModels(seq.runId);
    const b = store.loadModels(par.runId);
    expect(b.map((m) => m.member)).toEqual(a.map((m) => m.member));
    for (let i = 0; i < a.length; i++) expect(Buffer.from(b[i].weights).equals(Buffer.from(a[i].weights)), `member ${i}`).toBe(true);
    // Same figures in the report and the same predictions.
    expect(figures(par.report!)).toEqual(figures(seq.report!));
    const preds = (runId: number) => store!.listPredictions(runId).map((r) => [r.windowId, Array.from(r.probs)]);
    expect(preds(par.runId)).toEqual(preds(seq.runId));
  }, 180_000);

  it('cancelling stops every member thread: the run ends cancelled without models', async () => {
    const p = makeDemoProject(8);
    store = ProjectStore.open(p.file);
    const ac = new AbortController();
    const r = await runTraining(store, {
      setId: p.setId,
      head: 'crf',
      ...TINY,
      epochs: 50,
      ensemble: 3,
      memberThreads: 3,
      signal: ac.signal,
      onEpoch: () => ac.abort(),
    });
    expect(r.status).toBe('cancelled');
    expect(store.getRun(r.runId)!.status).toBe('cancelled');
    expect(store.loadModels(r.runId)).toEqual([]);
  }, 180_000);

  it('through the service (train.run in its training thread, members in threads nested under it) with CANDLEMARK_MEMBER_THREADS', async () => {
    const p = makeDemoProject(9);
    const before = process.env.CANDLEMARK_MEMBER_THREADS;
    process.env.CANDLEMARK_MEMBER_THREADS = '2';
    const service = CandlemarkService.open(p.file);
    try {
      const members = new Set<number>();
      service.events.onAny((name, payload) => {
        if (name === 'training.epoch') members.add((payload as { member: number }).member);
      });
      const run = (await service.call('train.run', { model: 'soft', setId: p.setId, epochs: 1, hidden: 8, batchSize: 16, ensemble: 2, backend: 'wasm' })) as {
        runId: number;
      };
      let row = service.store.getRun(run.runId)!;
      for (let i = 0; i < 600 && row.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        row = service.store.getRun(run.runId)!;
      }
      expect(row.status).toBe('completed');
      expect((row.config as { memberThreads: number }).memberThreads).toBe(2);
      expect(service.store.loadModels(run.runId)).toHaveLength(2);
      expect([...members].sort()).toEqual([0, 1]);
    } finally {
      await service.closeGracefully();
      if (before === undefined) delete process.env.CANDLEMARK_MEMBER_THREADS;
      else process.env.CANDLEMARK_MEMBER_THREADS = before;
    }
  }, 180_000);
});

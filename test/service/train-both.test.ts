/**
 * Issue #10, point 9: "train both models" is scheduled by the service, not the renderer. train.start
 * with model 'both' starts the soft-span run, and the service starts a CRF run with the same settings
 * when it completes ('training.queued' names it); a first run that does not complete drops the second.
 * Real training, tiny (2 epochs, 16 hidden units, wasm) on a small demo project.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { makeDemoProject } from '../ml/training/helpers.ts';
import { nextEvent } from '../helpers/service-events.ts';
import { TRAINING_DEFAULTS } from '../../core/ml/training/defaults.ts';

const open: CandlemarkService[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

describe('train.start model "both"', () => {
  it('runs soft-span, then the queued CRF run with the same settings, announced by training.queued', async () => {
    const { file, setId } = makeDemoProject(21);
    const s = CandlemarkService.open(file, { author: 'tester' });
    open.push(s);
    const queuedEvent = nextEvent(s, 'training.queued');
    const first = await s.call(
      'train.start',
      { model: 'both', setId, hidden: 16, epochs: 2, batchSize: 8, backend: 'wasm', seed: 4 },
      { clientId: 'page-trainboth1' },
    );
    expect(first.queued).toBe('crf');
    expect((await s.call('runs.get', { runId: first.runId })).model).toBe('soft');

    const queued = await queuedEvent;
    expect(queued).toMatchObject({ afterRunId: first.runId, model: 'crf', reason: null, clientId: 'page-trainboth1' });
    expect(queued.runId).toBeGreaterThan(first.runId);
    const finished = await nextEvent(s, 'training.finished', (p) => p.runId === queued.runId);
    expect(finished.status).toBe('completed');

    const [soft, crf] = [await s.call('runs.get', { runId: first.runId }), await s.call('runs.get', { runId: queued.runId! })];
    expect(soft.status).toBe('completed');
    expect(crf).toMatchObject({ model: 'crf', status: 'completed' });
    // The same settings, the head aside and what follows from it: each head's default weight decay
    // (TRAINING_DEFAULTS.weightDecayByHead; none was asked for).
    const { head: _a, weightDecay: softDecay, ...softCfg } = soft.config as Record<string, unknown>;
    const { head: _b, weightDecay: crfDecay, ...crfCfg } = crf.config as Record<string, unknown>;
    expect(crfCfg).toEqual(softCfg);
    expect([softDecay, crfDecay]).toEqual([TRAINING_DEFAULTS.weightDecayByHead.soft, TRAINING_DEFAULTS.weightDecayByHead.crf]);
  }, 240_000);

  it('drops the queued run when the first is cancelled', async () => {
    const { file, setId } = makeDemoProject(22);
    const s = CandlemarkService.open(file, { author: 'tester' });
    open.push(s);
    const queuedEvent = nextEvent(s, 'training.queued');
    const first = await s.call('train.start', { model: 'both', setId, hidden: 8, epochs: 1000, batchSize: 8, backend: 'wasm' });
    await nextEvent(s, 'training.epoch', (p) => p.runId === first.runId);
    await s.call('train.cancel', { runId: first.runId });
    const queued = await queuedEvent;
    expect(queued).toMatchObject({ afterRunId: first.runId, model: 'crf', runId: null, reason: expect.stringContaining('cancelled') });
    expect((await s.call('runs.list', { includeIncomplete: true })).map((r) => r.model)).toEqual(['soft']);
  }, 120_000);
});

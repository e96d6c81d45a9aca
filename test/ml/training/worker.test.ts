import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProjectStore } from '../../../core/store/index.ts';
import { startTrainingWorker } from '../../../core/ml/training/start-worker.ts';
import type { EpochEvent } from '../../../core/ml/eval/types.ts';
import { makeDemoProject, TINY } from './helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('training worker', () => {
  it('streams epochs from a worker thread and finishes the run', async () => {
    const p = makeDemoProject(21);
    const events: EpochEvent[] = [];
    let created = -1;
    const w = startTrainingWorker(
      p.file,
      { setId: p.setId, head: 'soft', ...TINY, epochs: 3 },
      {
        onEpoch: (e) => events.push(e),
        onRunCreated: (id) => (created = id),
      },
    );
    // the caller's event loop stays free while the worker trains
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const result = await w.result;
    clearInterval(timer);
    expect(result.status).toBe('completed');
    expect(await w.runId).toBe(result.runId);
    expect(created).toBe(result.runId);
    expect(events.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(ticks).toBeGreaterThan(3);
    const store = ProjectStore.open(p.file);
    try {
      expect(store.getRun(result.runId)!.status).toBe('completed');
      expect(store.listEpochs(result.runId)).toHaveLength(3);
      expect(store.loadModels(result.runId)).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('cancels on request', async () => {
    const p = makeDemoProject(22);
    const w = startTrainingWorker(p.file, { setId: p.setId, head: 'crf', ...TINY, epochs: 500 }, { onEpoch: () => w.cancel() });
    const result = await w.result;
    expect(result.status).toBe('cancelled');
    const store = ProjectStore.open(p.file);
    try {
      expect(store.getRun(result.runId)!.status).toBe('cancelled');
      expect(store.loadModels(result.runId)).toHaveLength(0);
    } finally {
      store.close();
    }
  });

  it('a killed training process leaves a run that becomes "interrupted" on reopen, epochs kept', async () => {
    const p = makeDemoProject(23);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'train-child.ts'), p.file, String(p.setId)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let runId = -1;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += String(d);
        const m = /run (\d+)/.exec(buf);
        if (m) runId = Number(m[1]);
        if (/epoch 2\b/.test(buf)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const ro = ProjectStore.open(p.file, { readonly: true });
    try {
      expect(ro.getRun(runId)!.status).toBe('running');
    } finally {
      ro.close();
    }
    const store = ProjectStore.open(p.file);
    try {
      const run = store.getRun(runId)!;
      expect(run.status).toBe('interrupted');
      expect(store.listEpochs(runId).length).toBeGreaterThanOrEqual(2);
      expect(store.loadModels(runId)).toHaveLength(0);
    } finally {
      store.close();
    }
  });
});

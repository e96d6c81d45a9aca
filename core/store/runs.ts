/**
 * Training runs and what they leave: the run rows (owned by a process id, so runs of a process that
 * died are marked interrupted), per-epoch metrics, model weights and per-window predictions.
 */
import fs from 'node:fs';
import type { RunStatus } from '../domain/types.ts';
import type { StoreConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { bytesOf, copyBlob, toRun, type RunDbRow } from './rows.ts';
import type { EpochRow, ModelRow, PredictionRow, RunRow } from './types.ts';

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet (a zombie) still answers kill(pid, 0), but
  // will never write again: on Linux, /proc tells (state Z). Elsewhere, trust kill.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Start a run (status 'running', owned by this process). */
export function createRun(
  c: StoreConnection,
  p: { model: string; config: Record<string, unknown>; dataSnapshot: unknown; backend: string; device: string },
): number {
  return Number(
    c.run(
      "INSERT INTO runs (model, config_json, status, backend, device, data_snapshot_json, started_at, owner_pid) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)",
      p.model,
      JSON.stringify(p.config ?? null),
      p.backend,
      p.device,
      JSON.stringify(p.dataSnapshot ?? null),
      Date.now(),
      process.pid,
    ).lastInsertRowid,
  );
}

/** Record (or overwrite) one epoch's metrics. */
export function appendEpoch(c: StoreConnection, runId: number, epoch: number, metrics: unknown, seconds: number): void {
  requireRun(c, runId);
  c.run(
    'INSERT INTO epochs (run_id, epoch, metrics_json, seconds) VALUES (?, ?, ?, ?) ON CONFLICT(run_id, epoch) DO UPDATE SET metrics_json = excluded.metrics_json, seconds = excluded.seconds',
    runId,
    epoch,
    JSON.stringify(metrics ?? null),
    seconds,
  );
}

export function finishRun(c: StoreConnection, runId: number, status: Exclude<RunStatus, 'running'>, report?: unknown, error?: string): void {
  if (!['completed', 'cancelled', 'interrupted', 'failed'].includes(status)) throw new StoreError('invalid', `Unknown run status "${String(status)}"`);
  const r = c.run(
    'UPDATE runs SET status = ?, finished_at = ?, report_json = ?, error = ? WHERE id = ?',
    status,
    Date.now(),
    report === undefined ? null : JSON.stringify(report),
    error ?? null,
    runId,
  );
  if (r.changes !== 1) throw new StoreError('not-found', `No run ${runId}`);
}

/**
 * Mark runs left 'running' by a process that no longer exists as 'interrupted' (called by open()).
 * Runs owned by a live process (this one included, e.g. a training worker thread) are left alone
 * unless opts.all. Returns how many runs were marked.
 */
export function markInterruptedRuns(c: StoreConnection, opts: { all?: boolean } = {}): number {
  const running = c.all<{ id: number; owner_pid: number | null }>("SELECT id, owner_pid FROM runs WHERE status = 'running'");
  const dead = running.filter((r) => opts.all || r.owner_pid === null || (r.owner_pid !== process.pid && !isPidAlive(r.owner_pid)));
  if (dead.length === 0) return 0;
  c.transaction(() => {
    for (const r of dead) {
      // Ended when it was last heard of, not now: start + the stored epochs' durations (a lower
      // bound; setup time is not stored), so its duration doesn't include the time the app was closed.
      c.run(
        `UPDATE runs SET status = 'interrupted',
           finished_at = started_at + CAST(round(1000 * coalesce((SELECT sum(seconds) FROM epochs e WHERE e.run_id = runs.id), 0)) AS INTEGER),
           error = coalesce(error, 'the app stopped while training')
         WHERE id = ? AND status = 'running'`,
        r.id,
      );
    }
  });
  return dead.length;
}

export function requireRun(c: StoreConnection, runId: number): void {
  if (!c.get1('SELECT 1 FROM runs WHERE id = ?', runId)) throw new StoreError('not-found', `No run ${runId}`);
}

/** Runs, newest first. */
export function listRuns(c: StoreConnection): RunRow[] {
  return c.all<RunDbRow>('SELECT * FROM runs ORDER BY id DESC').map(toRun);
}

export function getRun(c: StoreConnection, id: number): RunRow | null {
  const r = c.get1<RunDbRow>('SELECT * FROM runs WHERE id = ?', id);
  return r ? toRun(r) : null;
}

/** Delete a run with its epochs, models and predictions. */
export function deleteRun(c: StoreConnection, id: number): void {
  if (c.run('DELETE FROM runs WHERE id = ?', id).changes !== 1) throw new StoreError('not-found', `No run ${id}`);
}

export function listEpochs(c: StoreConnection, runId: number): EpochRow[] {
  return c
    .all<{ run_id: number; epoch: number; metrics_json: string; seconds: number }>('SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch', runId)
    .map((r) => ({
      runId: r.run_id,
      epoch: r.epoch,
      metrics: JSON.parse(r.metrics_json),
      seconds: r.seconds,
    }));
}

/** Store (or overwrite) one ensemble member's weights and spec (features, normalisation, threshold, topology). */
export function saveModel(c: StoreConnection, runId: number, member: number, weights: Uint8Array, spec: unknown): void {
  requireRun(c, runId);
  c.run(
    'INSERT INTO models (run_id, member, weights, spec_json) VALUES (?, ?, ?, ?) ON CONFLICT(run_id, member) DO UPDATE SET weights = excluded.weights, spec_json = excluded.spec_json',
    runId,
    member,
    bytesOf(weights),
    JSON.stringify(spec ?? null),
  );
}

/** Members of a run, by member index. */
export function loadModels(c: StoreConnection, runId: number): ModelRow[] {
  return c
    .all<{ run_id: number; member: number; weights: Buffer; spec_json: string }>('SELECT * FROM models WHERE run_id = ? ORDER BY member', runId)
    .map((r) => ({
      runId: r.run_id,
      member: r.member,
      weights: new Uint8Array(copyBlob(r.weights)),
      spec: JSON.parse(r.spec_json),
    }));
}

/** Store (or overwrite) per-window predictions of a run, in one transaction. */
export function savePredictions(
  c: StoreConnection,
  runId: number,
  rows: Array<{ windowId: number; probs: Float32Array; spans: unknown; viterbi?: Uint8Array | null; typeProbs?: Float32Array | null }>,
): void {
  c.transaction(() => {
    requireRun(c, runId);
    for (const r of rows) {
      c.run(
        `INSERT INTO predictions (run_id, window_id, probs, spans_json, viterbi, type_probs) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id, window_id) DO UPDATE SET probs = excluded.probs, spans_json = excluded.spans_json,
           viterbi = excluded.viterbi, type_probs = excluded.type_probs`,
        runId,
        r.windowId,
        bytesOf(r.probs),
        JSON.stringify(r.spans ?? null),
        r.viterbi ? bytesOf(r.viterbi) : null,
        r.typeProbs ? bytesOf(r.typeProbs) : null,
      );
    }
  });
}

export function listPredictions(c: StoreConnection, runId: number, windowId?: number): PredictionRow[] {
  type Row = { run_id: number; window_id: number; probs: Buffer; spans_json: string; viterbi: Buffer | null; type_probs: Buffer | null };
  const rows =
    windowId === undefined
      ? c.all<Row>('SELECT * FROM predictions WHERE run_id = ? ORDER BY window_id', runId)
      : c.all<Row>('SELECT * FROM predictions WHERE run_id = ? AND window_id = ?', runId, windowId);
  return rows.map((r) => ({
    runId: r.run_id,
    windowId: r.window_id,
    probs: new Float32Array(copyBlob(r.probs)),
    spans: JSON.parse(r.spans_json),
    viterbi: r.viterbi ? new Uint8Array(copyBlob(r.viterbi)) : null,
    typeProbs: r.type_probs ? new Float32Array(copyBlob(r.type_probs)) : null,
  }));
}

/**
 * One ensemble member's worker thread (parallel-ensemble.ts): selects the run's backend, trains the
 * member with trainModel exactly as the sequential path does, streams its epochs, and posts the
 * best-epoch weights back in saved form. A { type: 'cancel' } message stops it between batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend, type BackendPreference } from '../backend/index.ts';
import { trainModel } from './train.ts';
import type { MemberInput, MemberMessage } from './member-types.ts';

const port = parentPort;
if (!port) throw new Error('member-worker.ts must run in a worker thread');
const input = workerData as MemberInput;
const ac = new AbortController();
port.on('message', (m: unknown) => {
  if (m && typeof m === 'object' && (m as { type?: string }).type === 'cancel') ac.abort();
});
const post = (m: MemberMessage): void => port.postMessage(m);

try {
  const sel = await selectBackend(input.backend as BackendPreference);
  if (sel.backend !== input.backend) {
    throw new Error(`backend ${input.backend} is not available in this thread (got ${sel.backend})`);
  }
  const r = await trainModel({
    ...input.options,
    seed: input.seed,
    member: input.member,
    signal: ac.signal,
    onEpoch: (event) => post({ type: 'epoch', event }),
  });
  const weights = r.model ? r.model.exportWeights() : null;
  r.model?.dispose();
  post({ type: 'done', result: { ...r, model: undefined, weights } as never });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
} finally {
  port.close();
}

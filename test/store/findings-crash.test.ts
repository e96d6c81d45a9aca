/**
 * Findings are written in the same transaction as the label change that makes them stale: a process
 * making label edits through the service is SIGKILLed at random moments, and afterwards the stored
 * findings are exactly what a full recompute over the stored labels gives (no stale finding, none
 * missing). Before, they were recomputed in a second transaction, and a kill between the two left
 * stale findings behind.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { findingKey } from '../../core/store/index.ts';
import { computeAllFindings } from '../../core/service/handlers/conflicts.ts';
import { ServiceContext } from '../../core/service/context.ts';
import Database from 'better-sqlite3';
import { tempDir } from './helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const child = path.join(here, 'service-child.ts');
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the edit loop until `ready` plus delayMs, then SIGKILLs it; returns how many edits it reported. */
async function editAndKill(file: string, seed: number, delayMs: number): Promise<number> {
  const p = spawn(process.execPath, ['--import', 'tsx', child, 'edits', file, String(seed)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<string | null>((resolve) => p.on('exit', (_code, signal) => resolve(signal)));
  p.stdout.on('data', (d: Buffer) => {
    const before = out;
    out += d.toString();
    if (!before.includes('ready\n') && out.includes('ready\n')) setTimeout(() => p.kill('SIGKILL'), delayMs);
  });
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`edit child ended by itself (${signal}): ${err}`);
  return out.split('\n').filter((l) => l.startsWith('edit ')).length;
}

/** Finding keys as stored, and as a full recompute over the stored labels gives them. */
function storedAndFresh(file: string): { stored: string[]; fresh: string[] } {
  const service = CandlemarkService.open(file);
  try {
    const ctx = new ServiceContext(service.store, service.events, 'test');
    // Contradictions and (issue #12) disagreements between annotators: the demo's spans are 'demo''s, the edits another annotator's.
    const fresh = computeAllFindings(ctx);
    return {
      stored: service.store
        .listFindings()
        .map((f) => f.key)
        .sort(),
      fresh: fresh.map((f) => f.key ?? findingKey(f)).sort(),
    };
  } finally {
    service.close();
  }
}

describe('findings commit with their label change (SIGKILL)', () => {
  it('after a kill at a random moment, no stale or missing finding remains', async () => {
    const file = path.join(dir, 'p.candlemark');
    const setup = CandlemarkService.open(file, { create: true });
    await setup.call('demo.create', { seed: 8, bars: 2000 });
    setup.close();
    let edits = 0;
    for (let trial = 0; trial < 6; trial++) {
      const ms = 100 + Math.round(Math.random() * 600);
      edits += await editAndKill(file, trial + 1, ms);
      // (checkProject's labels-vs-history check doesn't apply: a demo starts with its history cleared.)
      const db = new Database(file, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      const { stored, fresh } = storedAndFresh(file);
      expect(stored, `trial ${trial}, killed after ${ms} ms`).toEqual(fresh);
    }
    // The kills landed in a stream of edits, not before the first one.
    expect(edits).toBeGreaterThan(20);
  }, 120_000);
});

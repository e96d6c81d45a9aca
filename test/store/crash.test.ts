/**
 * Crash safety: a child process writes to the project and is SIGKILLed at a random moment; the parent
 * then reopens the file and checks it is consistent (integrity, foreign keys, whole series, labels
 * equal to their history) and that undo/redo still work.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../core/store/index.ts';
import { checkProject, makeBars, tempDir } from './helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const child = path.join(here, 'crash-child.ts');
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Run the child until `ready`, let it work for delayMs, SIGKILL it. Returns its stdout lines. */
async function runAndKill(args: string[], delayMs: number): Promise<string[]> {
  const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => p.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => {
      const before = out;
      out += d.toString();
      if (!before.includes('ready\n') && out.includes('ready\n')) setTimeout(() => p.kill('SIGKILL'), delayMs);
    });
    void exited.then(() => (out.includes('ready\n') ? resolve() : reject(new Error(`child exited before ready: ${err}`))));
  });
  const { signal } = await exited;
  if (signal !== 'SIGKILL') throw new Error(`child ended by itself (${signal}): ${err}`);
  return out.split('\n').filter(Boolean);
}

const delay = (lo: number, hi: number) => Math.round(lo + Math.random() * (hi - lo));

describe('crash safety (SIGKILL at random moments)', () => {
  it('a killed series import leaves each series whole or absent', async () => {
    const file = path.join(dir, 'import.candlemark');
    const imported: string[] = [];
    for (let trial = 0; trial < 4; trial++) {
      const ms = delay(50, 900);
      const lines = await runAndKill(['import', file, `t${trial}`], ms);
      imported.push(...lines.filter((l) => l.startsWith('imported ')).map((l) => l.slice(9)));
      expect(checkProject(file), `trial ${trial}, killed after ${ms} ms`).toEqual([]);
      const store = ProjectStore.open(file);
      try {
        const series = store.listSeries();
        for (const s of series) {
          expect(s.barCount).toBe(500_000);
          expect(store.readBars(s.id, 499_999, 1).time.length).toBe(1);
        }
        // Everything the child reported as committed is there (durability).
        const ids = new Set(series.map((s) => s.id));
        for (const id of imported) expect(ids.has(id), `${id} was committed before the kill`).toBe(true);
      } finally {
        store.close();
      }
    }
  });

  it('a killed burst of label edits leaves labels equal to their history, and undo works', async () => {
    const file = path.join(dir, 'labels.candlemark');
    const setup = ProjectStore.open(file, { create: true });
    setup.insertSeries('S', null, makeBars(2000));
    const windows = [];
    for (let s = 0; s + 128 <= 2000; s += 64) windows.push({ extId: `S:${s}`, startIndex: s, length: 128, role: 'train' as const });
    setup.createWindowSet({ seriesId: 'S', origin: 'cut', length: 128, stride: 64, split: 'random', valFraction: 0.2, seed: 1 }, windows);
    setup.close();

    for (let trial = 0; trial < 4; trial++) {
      const ms = delay(50, 400);
      await runAndKill(['labels', file, String(trial + 1)], ms);
      expect(checkProject(file), `trial ${trial}, killed after ${ms} ms`).toEqual([]);
      const store = ProjectStore.open(file);
      try {
        const h = store.historyState();
        if (h.canUndo) {
          const before = store.listLabels();
          expect(store.undo()).not.toBeNull();
          expect(checkProject(file)).toEqual([]);
          expect(store.redo()).not.toBeNull();
          expect(store.listLabels()).toEqual(before);
        }
        expect(checkProject(file)).toEqual([]);
      } finally {
        store.close();
      }
    }
    const final = ProjectStore.open(file);
    const edits = final.db.prepare('SELECT count(*) FROM label_history').pluck().get() as number;
    final.close();
    expect(edits).toBeGreaterThan(50);
  });
});

/**
 * Two processes on one project: while another process holds the write lock (a long CLI import, say),
 * an edit waits for it instead of failing with "database is locked"; past the wait it fails with the
 * service's `busy` code, naming the project. A real second process and a real file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError } from '../../core/service/errors.ts';
import { holdLock } from '../helpers/lock-holder.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function project(name: string, busyTimeoutMs?: number): Promise<{ file: string; service: CandlemarkService; windowId: number }> {
  const file = path.join(dir, name);
  const service = CandlemarkService.open(file, { create: true, busyTimeoutMs });
  await service.call('demo.create', { seed: 5, bars: 600 });
  return { file, service, windowId: service.store.listWindows()[0].id };
}

describe('a second process writing the same project', () => {
  it('an edit waits for the other process to commit, then succeeds', async () => {
    const { file, service, windowId } = await project('wait.candlemark');
    try {
      const holder = await holdLock(file, 1500);
      const t0 = Date.now();
      // Synchronous in SQLite: this blocks until the holder commits (or the wait runs out).
      const result = await service.call('windows.setReviewed', { windowId, reviewed: false });
      const waited = Date.now() - t0;
      expect(result).toMatchObject({ windowId, reviewed: false, change: { windowIds: [windowId] } });
      expect(await holder.done).toContain('committed\n');
      // It really waited for the other process (not a timing goal: proof the lock was contended).
      expect(waited).toBeGreaterThan(500);
      // Both writes are in the file.
      expect(service.store.listLabelTypes().find((t) => t.name === 'up')?.color).toBe('#123456');
      expect(service.store.getWindow(windowId)?.reviewed).toBe(false);
    } finally {
      service.close();
    }
  }, 60_000);

  it('when SQLite reports busy without waiting, the store retries BEGIN until the other process is done', async () => {
    const { file, service, windowId } = await project('retry.candlemark');
    try {
      // SQLite's own wait off: every wait now comes from ProjectStore.transaction's retry loop.
      service.store.db.pragma('busy_timeout = 0');
      const holder = await holdLock(file, 1000);
      const result = await service.call('windows.setReviewed', { windowId, reviewed: false });
      expect(result).toMatchObject({ windowId, reviewed: false, change: { windowIds: [windowId] } });
      expect(await holder.done).toContain('committed\n');
      expect(service.store.getWindow(windowId)?.reviewed).toBe(false);
    } finally {
      service.close();
    }
  }, 60_000);

  it('past the wait, the edit fails as busy, names the project, and changes nothing', async () => {
    const { file, service, windowId } = await project('busy.candlemark', 200);
    try {
      const before = service.store.getWindow(windowId)?.reviewed;
      const holder = await holdLock(file, 2000);
      const err = await service.call('windows.setReviewed', { windowId, reviewed: !before }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CandlemarkError);
      expect((err as CandlemarkError).code).toBe('busy');
      expect((err as CandlemarkError).message).toBe(
        `${file} is being written by another process (Candlemark waited for its write lock and gave up): try again when it is done`,
      );
      await holder.done;
      expect(service.store.getWindow(windowId)?.reviewed).toBe(before);
      // Once the other process is done, the same edit goes through.
      await service.call('windows.setReviewed', { windowId, reviewed: !before });
      expect(service.store.getWindow(windowId)?.reviewed).toBe(!before);
    } finally {
      service.close();
    }
  }, 60_000);
});

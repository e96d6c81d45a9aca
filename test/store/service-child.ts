/**
 * Child process for busy.test.ts and findings-crash.test.ts: a second process on the same project.
 *   node --import tsx test/store/service-child.ts hold <file> <ms>    holds a write transaction for <ms>
 *     (like a long CLI import), printing "locked" once it has the lock and "committed" at the end
 *   node --import tsx test/store/service-child.ts edits <file> <seed> label edits through the service,
 *     in a loop until SIGKILLed (each with its findings), printing "ready" first and "edit N" after each
 */
import Database from 'better-sqlite3';
import { CandlemarkService } from '../../core/service/service.ts';

const [mode, file, arg] = process.argv.slice(2);

if (mode === 'hold') {
  const db = new Database(file, { fileMustExist: true });
  db.exec('BEGIN IMMEDIATE');
  db.prepare("UPDATE label_types SET color = '#123456' WHERE name = 'up'").run();
  process.stdout.write('locked\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(arg));
  db.exec('COMMIT');
  db.close();
  process.stdout.write('committed\n');
} else if (mode === 'edits') {
  let seed = Number(arg) || 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const service = CandlemarkService.open(file);
  const windows = service.store.listWindows();
  const times = service.store.readTimes(windows[0].seriesId);
  process.stdout.write('ready\n');
  for (let step = 0; ; step++) {
    const w = windows[Math.floor(rnd() * windows.length)];
    const labels = service.store.listLabels({ windowId: w.id });
    const r = rnd();
    if (r < 0.45 || labels.length === 0) {
      const a = w.startIndex + Math.floor(rnd() * (w.length - 20));
      await service.call('labels.add', { windowId: w.id, startTime: times[a], endTime: times[a + Math.floor(rnd() * 19)], type: rnd() < 0.5 ? 'up' : 'down' });
    } else if (r < 0.7) {
      await service.call('labels.update', { id: labels[0].id, patch: { type: labels[0].type === 'up' ? 'down' : 'up' } });
    } else if (r < 0.9) {
      await service.call('labels.delete', { id: labels[0].id });
    } else {
      await service.call('labels.undo', {});
    }
    process.stdout.write(`edit ${step}\n`);
  }
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}

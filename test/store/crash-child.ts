/**
 * Child process for crash.test.ts: does store writes in a loop until it is SIGKILLed.
 *   node --import tsx test/store/crash-child.ts import <file> <prefix>   imports 500k-bar series one after another
 *   node --import tsx test/store/crash-child.ts labels <file> <seed>     bursts of label edits, groups, undo/redo
 * Prints "ready" once the project is open, then one line per committed step.
 */
import type { Label } from '../../core/domain/types.ts';
import { ProjectStore } from '../../core/store/index.ts';
import { makeBars } from './helpers.ts';

const [mode, file, arg] = process.argv.slice(2);

if (mode === 'import') {
  const bars = makeBars(500_000, { seed: 3 });
  const store = ProjectStore.open(file, { create: true });
  process.stdout.write('ready\n');
  for (let k = 0; ; k++) {
    store.insertSeries(`${arg}-${k}`, null, bars);
    process.stdout.write(`imported ${arg}-${k}\n`);
  }
} else if (mode === 'labels') {
  let seed = Number(arg) || 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const store = ProjectStore.open(file);
  const windows = store.listWindows();
  const times = store.readTimes(windows[0].seriesId);
  const span = (w: (typeof windows)[number]) => {
    const a = w.startIndex + Math.floor(rnd() * w.length);
    const b = Math.min(w.startIndex + w.length - 1, a + Math.floor(rnd() * 20));
    return { startTime: times[a], endTime: times[b] };
  };
  const types = ['up', 'down'];
  const one = (labels: Label[]) => {
    const r = rnd();
    if (r < 0.45 || labels.length === 0) {
      const w = pick(windows);
      labels.push(store.addLabel(w.id, { ...span(w), type: pick(types), confidence: rnd(), note: `n${Math.floor(rnd() * 100)}` }));
    } else if (r < 0.75) {
      const l = pick(labels);
      if (!store.getLabel(l.id)) return;
      const w = store.getWindow(l.windowId)!;
      store.updateLabel(l.id, rnd() < 0.5 ? span(w) : { type: pick(types), confidence: rnd() });
    } else {
      const l = pick(labels);
      if (store.getLabel(l.id)) store.deleteLabel(l.id);
    }
  };
  process.stdout.write('ready\n');
  for (let step = 0; ; step++) {
    const labels = store.listLabels();
    const r = rnd();
    if (r < 0.6) one(labels);
    else if (r < 0.75)
      store.editGroup(`group ${step}`, () => {
        for (let i = 0; i < 5; i++) one(labels);
      });
    else if (r < 0.9) store.undo();
    else store.redo();
  }
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}

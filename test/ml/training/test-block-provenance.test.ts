/**
 * Windows whose labels a model wrote and nobody confirmed (issue #12) never shape the held-out test
 * block (issue #11): accepting predictions can't move the block, change which windows are scored, or
 * put model output into a scored window. A real project file, the real dataset builder.
 */
import { describe, expect, it } from 'vitest';
import { ProjectStore } from '../../../core/store/project-store.ts';
import { buildDataset } from '../../../core/ml/training/dataset.ts';
import { makeDemoProject } from './helpers.ts';

const ids = (rs: { window: { id: number } }[]) => rs.map((r) => r.window.id);

describe('the test block and unconfirmed model labels', () => {
  it('labels accepted from a model on unlabelled windows leave train/val/test as they were', () => {
    const { file, setId } = makeDemoProject(41);
    const store = ProjectStore.open(file);
    try {
      const windows = store.listWindows({ setId });
      for (const w of windows) store.setWindowReviewed(w.id, true); // every window labelled
      // Unlabel the last window: the block is then cut from the windows before it.
      const last = windows.slice(-1);
      for (const w of last) {
        for (const l of store.listLabels({ windowId: w.id })) store.deleteLabel(l.id);
        store.setWindowReviewed(w.id, false);
      }
      const before = buildDataset(store, { setId, testFraction: 0.1 });
      expect(before.test.length).toBeGreaterThan(0);

      // A model's spans on those windows, accepted but not confirmed.
      for (const w of last)
        store.addLabel(w.id, {
          startTime: w.startTime,
          endTime: w.endTime,
          type: 'up',
          confidence: 1,
          note: '',
          author: 'model-run',
          origin: 'accepted',
          originRun: 1,
        });
      const after = buildDataset(store, { setId, testFraction: 0.1 });
      expect(ids(after.test)).toEqual(ids(before.test));
      expect(ids(after.val)).toEqual(ids(before.val));
      // They sit after the block's start: used nowhere, counted as left out of scoring.
      expect(ids(after.train)).toEqual(ids(before.train));
      for (const w of last) expect([...ids(after.train), ...ids(after.val), ...ids(after.test)]).not.toContain(w.id);

      // Confirmed, they are the analyst's: now they are the chronologically last labelled windows.
      for (const w of last) for (const l of store.listLabels({ windowId: w.id })) store.updateLabel(l.id, { origin: 'confirmed' }, 'analyst');
      const confirmed = buildDataset(store, { setId, testFraction: 0.1 });
      for (const w of last) expect(ids(confirmed.test)).toContain(w.id);
    } finally {
      store.close();
    }
  });
});

/**
 * Renaming a series (issue #14, management): a real project file; the window sets, labels, findings
 * and bars follow the new id, a taken or malformed id is refused with nothing changed, and the
 * rename holds after the file is reopened.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { tempDir } from '../helpers/paths.ts';

describe('series.rename', () => {
  it('moves sets, labels, findings and bars to the new id; refuses a taken or bad id', async () => {
    const file = path.join(tempDir(), 'r.candlemark');
    const s = CandlemarkService.open(file, { create: true, author: 'tester' });
    const events: string[] = [];
    // The payload without its origin stamp (seq, clientId: test/server/event-origin.test.ts).
    s.events.onAny((name, { seq: _seq, clientId: _client, ...payload }) => events.push(`${name}:${JSON.stringify(payload)}`));
    try {
      const demo = await s.call('demo.create', { bars: 2048 });
      await s.call('series.importText', {
        fileName: 'other.csv',
        text: 'time,open,high,low,close\n2020-01-01,1,2,0.5,1.5\n2020-01-02,1.5,2.5,1,2\n',
        seriesId: 'other',
      });
      const before = await s.call('project.info', {});
      const labelsBefore = (await s.call('labels.list', {})).length;
      const findingsBefore = await s.call('conflicts.list', { status: 'open' });
      expect(findingsBefore.length).toBeGreaterThan(0);

      await expect(s.call('series.rename', { seriesId: demo.seriesId, to: 'other' })).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('"other" already exists'),
      });
      await expect(s.call('series.rename', { seriesId: demo.seriesId, to: '../x' })).rejects.toMatchObject({ code: 'invalid-arguments' });
      await expect(s.call('series.rename', { seriesId: 'nope', to: 'x' })).rejects.toMatchObject({ code: 'not-found' });
      expect((await s.call('project.info', {})).series.map((x) => x.id)).toEqual(before.series.map((x) => x.id));

      const r = await s.call('series.rename', { seriesId: demo.seriesId, to: 'synthetic' });
      expect(r).toEqual({ from: demo.seriesId, to: 'synthetic', setIds: [demo.setId] });
      expect(events).toContain(`windows.changed:${JSON.stringify({ setId: demo.setId })}`);
      const after = await s.call('project.info', {});
      expect(after.series.map((x) => x.id).sort()).toEqual(['other', 'synthetic']);
      expect(after.windowSets.find((w) => w.id === demo.setId)?.seriesId).toBe('synthetic');
      expect(after.counts).toEqual(before.counts);
      expect((await s.call('labels.list', {})).length).toBe(labelsBefore);
      const findingsAfter = await s.call('conflicts.list', { status: 'open' });
      expect(findingsAfter.map((f) => f.id)).toEqual(findingsBefore.map((f) => f.id));
      expect(findingsAfter.every((f) => f.seriesId === 'synthetic')).toBe(true);
      expect((await s.call('bars.read', { seriesId: 'synthetic', from: 0, count: 3 })).time).toHaveLength(3);
      await expect(s.call('bars.read', { seriesId: demo.seriesId, from: 0, count: 3 })).rejects.toMatchObject({ code: 'not-found' });
      // Conflicts are still found against the renamed series (re-check finds the same ones).
      await s.call('conflicts.check', {});
      expect((await s.call('conflicts.list', { status: 'open' })).length).toBe(findingsBefore.length);
    } finally {
      s.close();
    }
    const again = CandlemarkService.open(file);
    try {
      expect((await again.call('project.info', {})).series.map((x) => x.id).sort()).toEqual(['other', 'synthetic']);
    } finally {
      again.close();
    }
  });
});

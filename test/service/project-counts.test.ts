/**
 * project.info's counts come from SQL aggregates (fast on large projects); they must equal the
 * counts derived row by row from the same project, through resolves, ignores, "no span" marks and
 * label edits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';

function bruteForce(s: CandlemarkService) {
  const windows = s.store.listWindows();
  const labels = s.store.listLabels();
  const labelled = new Set(labels.map((l) => l.windowId));
  for (const w of windows) if (w.reviewed) labelled.add(w.id);
  const findings = s.store.listFindings();
  const open = findings.filter((f) => f.status === 'open');
  return {
    windows: windows.length,
    labelledWindows: labelled.size,
    unlabelledWindows: windows.length - labelled.size,
    windowsInConflict: new Set(open.flatMap((f) => [f.windowA, f.windowB])).size,
    labels: labels.length,
    findings: {
      open: open.length,
      resolved: findings.filter((f) => f.status === 'resolved').length,
      ignored: findings.filter((f) => f.status === 'ignored').length,
    },
    runs: s.store.listRuns().length,
  };
}

it('equals the row-by-row counts through resolves, ignores, no-span marks and edits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-counts-'));
  const s = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true, author: 't' });
  try {
    await s.call('demo.create', { bars: 4096, seed: 3, contradictions: 8 });
    const check = async () => expect((await s.call('project.info')).counts).toEqual(bruteForce(s));
    await check();
    const findings = s.store.listFindings({ status: 'open' });
    expect(findings.length).toBeGreaterThanOrEqual(3);
    await s.call('conflicts.resolve', { findingId: findings[0].id, action: 'ignore' });
    await s.call('conflicts.resolve', { findingId: findings[1].id, action: 'mark-resolved' });
    await check();
    // A second window set: unlabelled windows, some marked "no span".
    await s.call('windows.create', { length: 64, stride: 32 });
    const fresh = s.store.listWindows().filter((w) => !w.reviewed && s.store.listLabels({ windowId: w.id }).length === 0);
    for (const w of fresh.slice(0, 5)) await s.call('windows.setReviewed', { windowId: w.id, reviewed: true });
    await check();
    const label = s.store.listLabels()[0];
    await s.call('labels.delete', { id: label.id });
    await check();
    expect((await s.call('project.info')).counts.unlabelledWindows).toBeGreaterThan(0);
  } finally {
    s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

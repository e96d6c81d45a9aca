/**
 * Recall and precision of the conflict detector on generated labelled windows with planted
 * contradictions, imported through the service like a user's labels file.
 *   npx tsx bench/conflict-recall.ts
 * Two annotators: exact copies of the truth, and a noisy one whose copies of a span differ by up to
 * 2 bars per edge between windows (within the default tolerance, so not contradictions).
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { CandlemarkService } from '../core/service/service.ts';
import { scoreFindings, writePlantedSet } from '../core/demo/planted-set.ts';

const cases = [
  { name: 'exact annotator', seed: 101, bars: 64_000, contradictions: 150, jitter: 0 },
  { name: 'noisy annotator (edge jitter <= 2 bars)', seed: 102, bars: 64_000, contradictions: 150, jitter: 2 },
];
console.log(`machine: ${os.cpus()[0].model} x ${os.cpus().length}, node ${process.version}, ${new Date().toISOString()}`);
for (const c of cases) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-recall-'));
  const set = await writePlantedSet(dir, c);
  const service = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true });
  await service.call('labels.import', { path: set.json });
  const findings = await service.call('conflicts.list', {});
  const idOfExt = new Map((await service.call('windows.list', {})).map((w) => [w.extId, w.id]));
  const score = scoreFindings(set, findings, idOfExt);
  const byKind = (kind: string) => {
    const planted = set.planted.filter((p) => p.kind === kind);
    const sub = scoreFindings(
      { ...set, planted },
      findings.filter((f) => f.kind === kind),
      idOfExt,
    );
    return `${kind}: recall ${sub.recall.toFixed(3)} (${sub.found}/${sub.planted})`;
  };
  console.log(
    `${c.name}: ${set.windowCount} windows, planted ${score.planted}, findings ${score.findings}, recall ${score.recall.toFixed(3)}, precision ${score.precision.toFixed(3)}`,
  );
  console.log(`  ${['span-vs-none', 'type', 'boundary'].map(byKind).join('; ')}`);
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A generated labelled-window set with planted contradictions, written as real files (a bars CSV
 * and a labels JSON), and the scoring of findings against what was planted. Used by the CLI test
 * and by bench/conflict-recall.ts (recall and precision of the detector).
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateSeries } from './generate.ts';
import { labelWindows, type PlantedContradiction } from './annotate.ts';
import { writeBarsCsv } from './bars-csv.ts';
import { cutWindows } from '../windows/cut.ts';
import type { Finding } from '../domain/types.ts';

export interface PlantedSet {
  json: string;
  csv: string;
  planted: PlantedContradiction[];
  windowCount: number;
  /** ext id of window i */
  extId: (i: number) => string;
}

export async function writePlantedSet(dir: string, opts: { seed: number; bars: number; contradictions: number; jitter?: number }): Promise<PlantedSet> {
  const { bars, truth } = generateSeries({ seed: opts.seed, bars: opts.bars });
  const csv = path.join(dir, 'series.csv');
  await writeBarsCsv(bars, csv);
  const cuts = cutWindows(bars.time.length, 128, 64);
  const annotation = labelWindows(cuts, truth, {
    seed: opts.seed,
    contradictions: opts.contradictions,
    noise: opts.jitter ? { boundaryJitter: opts.jitter } : undefined,
  });
  const extId = (i: number) => `w${String(i).padStart(5, '0')}`;
  const iso = (i: number) => new Date(bars.time[i]).toISOString();
  const doc = {
    version: 1,
    series: [{ id: 'gen', csv: 'series.csv' }],
    labelTypes: ['up', 'down'],
    windows: annotation.windows.map((w, i) => ({
      id: extId(i),
      series: 'gen',
      start: iso(w.startIndex),
      length: w.length,
      spans: w.spans.map((s) => ({ start: iso(s.start), end: iso(s.end), type: s.type, confidence: s.confidence })),
    })),
  };
  const json = path.join(dir, 'labels.json');
  fs.writeFileSync(json, JSON.stringify(doc, null, 1));
  return { json, csv, planted: annotation.contradictions, windowCount: cuts.length, extId };
}

/**
 * A planted contradiction is found when a finding of the same kind names the same window pair and
 * overlaps its bars. Precision counts findings that explain a planted contradiction.
 */
export function scoreFindings(set: PlantedSet, findings: Finding[], idOfExt: Map<string, number>) {
  const matched = new Set<Finding>();
  let found = 0;
  for (const p of set.planted) {
    const a = idOfExt.get(set.extId(p.windowIndexA))!;
    const b = idOfExt.get(set.extId(p.windowIndexB))!;
    const hits = findings.filter(
      (f) => f.kind === p.kind && f.windowA === Math.min(a, b) && f.windowB === Math.max(a, b) && f.startIndex <= p.endIndex && f.endIndex >= p.startIndex,
    );
    if (hits.length) found++;
    for (const h of hits) matched.add(h);
  }
  return {
    planted: set.planted.length,
    found,
    findings: findings.length,
    recall: set.planted.length ? found / set.planted.length : 1,
    precision: findings.length ? matched.size / findings.length : 1,
  };
}

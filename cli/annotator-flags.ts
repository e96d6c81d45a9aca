/**
 * CLI flags of issue #12, point 4 (several annotators), parsed to the service's arguments; the
 * schema checks names and ranges afterwards. Kept out of main.ts so its changes stay small.
 */
import type { CommandInput } from '../core/service/schemas.ts';

type TrainInput = CommandInput<'train.run'>;

/** `--labels all|consensus|annotator:NAME` → labelSource; a message naming the forms when it is none of them. */
export function parseLabelsFlag(raw: string | undefined): TrainInput['labelSource'] {
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (v === 'all' || v === 'consensus') return v;
  if (v.startsWith('annotator:') && v.length > 'annotator:'.length) return { annotator: v.slice('annotator:'.length) };
  throw new Error(`--labels: expected all, consensus or annotator:NAME, got "${raw}"`);
}

/** `--annotator-weights alice=1,bob=0.5` → { alice: 1, bob: 0.5 }. */
export function parseAnnotatorWeights(raw: string | undefined): Record<string, number> | undefined {
  if (raw === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.lastIndexOf('=');
    const name = part.slice(0, eq).trim();
    const value = Number(part.slice(eq + 1));
    if (eq <= 0 || !name || part.slice(eq + 1).trim() === '' || !Number.isFinite(value))
      throw new Error(`--annotator-weights: expected NAME=WEIGHT[,NAME=WEIGHT…], got "${part}"`);
    out[name] = value;
  }
  return out;
}

/** `--seniority alice,bob` → ['alice', 'bob'] (most senior first). */
export function parseSeniority(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

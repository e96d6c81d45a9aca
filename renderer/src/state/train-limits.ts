/**
 * Inline validation of the Retrain form's numbers (issue #14): each field is checked by the
 * `train.start` schema itself (core/service/schemas.ts), and its message is written from that
 * schema's limits (min, max, exclusive or not, whole number or not), so the form and the service
 * can't disagree and the page never shows the raw "train.start: invalid arguments" text.
 */
import type { z } from 'zod';
import { trainArgs } from '../../../core/service/schemas.ts';

export const NUMERIC_TRAIN_FIELDS = ['epochs', 'batchSize', 'learningRate', 'ensemble', 'seed'] as const;
export type NumericTrainField = (typeof NUMERIC_TRAIN_FIELDS)[number];

export interface FieldLimits {
  min: number | null;
  max: number | null;
  /** The minimum itself is refused (`.positive()`). */
  minExclusive: boolean;
  integer: boolean;
}

/** The field's number schema, without its default/optional wrappers. */
function numberSchema(field: NumericTrainField): z.ZodNumber {
  let t: unknown = trainArgs.shape[field];
  while (t && typeof (t as { unwrap?: unknown }).unwrap === 'function') t = (t as { unwrap(): unknown }).unwrap();
  return t as z.ZodNumber;
}

export function fieldLimits(field: NumericTrainField): FieldLimits {
  const s = numberSchema(field);
  const min = Number.isFinite(s.minValue) ? (s.minValue as number) : null;
  // A maximum at the edge of exact integers is "no maximum" to a person.
  const max = Number.isFinite(s.maxValue) && (s.maxValue as number) < Number.MAX_SAFE_INTEGER ? (s.maxValue as number) : null;
  return { min, max, minExclusive: min !== null && !s.safeParse(min).success, integer: s.isInt === true };
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 10 });

/** What the field takes, in words: "a whole number from 1 to 1,024", "a number above 0, at most 1". */
export function describeLimits(l: FieldLimits): string {
  const kind = l.integer ? 'a whole number' : 'a number';
  if (l.min !== null && l.max !== null && !l.minExclusive) return `${kind} from ${fmt(l.min)} to ${fmt(l.max)}`;
  const parts = [
    l.min === null ? null : l.minExclusive ? `above ${fmt(l.min)}` : `of at least ${fmt(l.min)}`,
    l.max === null ? null : `at most ${fmt(l.max)}`,
  ].filter(Boolean);
  return parts.length ? `${kind} ${parts.join(', ')}` : kind;
}

/** null when the schema accepts `raw` (as typed in the field), else the message shown beside it. */
export function validateTrainField(field: NumericTrainField, raw: string): string | null {
  const want = describeLimits(fieldLimits(field));
  if (raw.trim() === '') return `Enter ${want}.`;
  const n = Number(raw);
  if (!Number.isFinite(n)) return `Enter ${want}.`;
  return numberSchema(field).safeParse(n).success ? null : `Must be ${want}.`;
}

/**
 * Argument schemas of every service command. Each host validates incoming arguments with these
 * before anything runs, so a malformed IPC message or HTTP body can never reach the store.
 */
import { z } from 'zod';
import { FEATURE_NAMES } from '../ml/features/series.ts';
import { DEFAULT_BOUNDARY_TOLERANCE } from '../review/compare-window.ts';

const id = z.number().int().positive();
const time = z.number().int().finite();
const seriesId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit');
const filePath = z.string().min(1).max(4096);
/** File contents sent by a renderer: a 1,000,000-row OHLCV CSV is about 60 MB. */
export const MAX_TEXT = 256 * 1024 * 1024;
const typeName = z.string().min(1).max(32);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #26a69a');

const labelPatch = z
  .object({
    startTime: time.optional(),
    endTime: time.optional(),
    type: typeName.optional(),
    confidence: z.number().min(0).max(1).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();

/** Bars an edge of a predicted span may be off and still agree with the label. */
const reviewTolerance = z.number().int().min(0).max(1000).default(DEFAULT_BOUNDARY_TOLERANCE);

export const trainArgs = z
  .object({
    model: z.enum(['soft', 'crf']).default('soft'),
    setId: id.optional(),
    encoder: z.enum(['conv', 'conv-attn']).default('conv'),
    epochs: z.number().int().min(1).max(1000).default(30),
    batchSize: z.number().int().min(1).max(1024).default(16),
    learningRate: z.number().positive().max(1).default(0.003),
    seed: z.number().int().min(0).default(1),
    ensemble: z.number().int().min(1).max(16).default(1),
    hidden: z.number().int().min(4).max(256).default(32),
    features: z.array(z.enum(FEATURE_NAMES)).min(1).optional(),
    patience: z.number().int().min(1).optional(),
    backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    // --- issue #11 (trustworthy training): run settings; absent = the engine's defaults ---
    taskWeighting: z.enum(['ema-val', 'ema-train', 'learned', 'fixed']).optional(),
    noSpanWeight: z.number().min(0).max(10).optional(),
    testFraction: z.number().min(0).max(0.5).optional(),
    contradictions: z.enum(['train-both', 'mask', 'down-weight']).optional(),
    lrSchedule: z.enum(['constant', 'cosine']).optional(),
  })
  .strict();

export const commandSchemas = {
  'project.info': z.object({}).strict(),
  'series.import': z.object({ path: filePath, seriesId: seriesId.optional(), replace: z.boolean().default(false) }).strict(),
  /** The same import from file contents (a browser has contents, not paths). */
  'series.importText': z
    .object({ fileName: z.string().min(1).max(255), text: z.string().max(MAX_TEXT), seriesId: seriesId.optional(), replace: z.boolean().default(false) })
    .strict(),
  'series.list': z.object({}).strict(),
  'bars.read': z
    .object({ seriesId, from: z.number().int().min(0), count: z.number().int().min(1).max(200_000) })
    .strict(),
  'windows.create': z
    .object({
      seriesId: seriesId.optional(),
      length: z.number().int().min(8).max(100_000).default(128),
      stride: z.number().int().min(1).max(100_000).default(64),
      split: z.enum(['chronological', 'random']).default('chronological'),
      valFraction: z.number().min(0).max(0.9).default(0.2),
      seed: z.number().int().min(0).default(1),
    })
    .strict(),
  'windows.list': z.object({ setId: id.optional(), seriesId: seriesId.optional() }).strict(),
  'windows.setReviewed': z.object({ windowId: id, reviewed: z.boolean() }).strict(),
  'labels.list': z.object({ windowId: id.optional(), setId: id.optional(), seriesId: seriesId.optional() }).strict(),
  'labels.add': z
    .object({
      windowId: id,
      startTime: time,
      endTime: time,
      type: typeName,
      confidence: z.number().min(0).max(1).default(1),
      note: z.string().max(2000).default(''),
      author: z.string().max(200).optional(),
    })
    .strict(),
  'labels.update': z.object({ id, patch: labelPatch }).strict(),
  'labels.delete': z.object({ id }).strict(),
  'labels.undo': z.object({}).strict(),
  'labels.redo': z.object({}).strict(),
  'labels.history': z.object({}).strict(),
  'labels.import': z.object({ path: filePath }).strict(),
  'labels.importText': z.object({ fileName: z.string().min(1).max(255), text: z.string().max(MAX_TEXT) }).strict(),
  'labels.exportText': z.object({ format: z.enum(['json', 'csv']), setId: id.optional() }).strict(),
  'labels.export': z.object({ path: filePath, setId: id.optional() }).strict(),
  'labelTypes.list': z.object({}).strict(),
  'labelTypes.set': z
    .object({ types: z.array(z.object({ name: typeName, color, sortOrder: z.number().int().optional() }).strict()).min(1).max(32) })
    .strict(),
  'conflicts.check': z.object({}).strict(),
  'conflicts.list': z.object({ status: z.enum(['open', 'resolved', 'ignored']).optional(), windowId: id.optional() }).strict(),
  'conflicts.resolve': z
    .object({ findingId: id, action: z.enum(['copy-a-to-b', 'copy-b-to-a', 'ignore', 'mark-resolved', 'reopen']) })
    .strict(),
  'demo.create': z
    .object({ fromCsv: filePath.optional(), seed: z.number().int().min(0).default(7), bars: z.number().int().min(512).max(2_000_000).default(8192), contradictions: z.number().int().min(0).max(1000).default(6) })
    .strict(),
  'train.run': trainArgs,
  /** The same training without waiting: returns once the run row exists; progress comes as events. */
  'train.start': trainArgs,
  'train.cancel': z.object({ runId: id }).strict(),
  'runs.list': z.object({ includeIncomplete: z.boolean().default(false) }).strict(),
  'runs.get': z.object({ runId: id }).strict(),
  'runs.compare': z.object({ runIds: z.array(id).min(2).max(16) }).strict(),
  /** A completed run's report as a file: Markdown, or a self-contained HTML page (inline CSS and SVG, no scripts). */
  'runs.exportReport': z.object({ runId: id, format: z.enum(['md', 'html']).default('html') }).strict(),
  'runs.predict': z.object({ runId: id, windowIds: z.array(id).max(100_000).optional(), onlyUnlabelled: z.boolean().default(true) }).strict(),
  /** Review of a completed run's predictions (core/review/types.ts has the result types). */
  /** With `windowIds`, counts still cover the whole set but only those windows' rows come back (a cheap refresh after an edit). */
  'review.summary': z.object({ runId: id, setId: id.optional(), tolerance: reviewTolerance, windowIds: z.array(id).max(100_000).optional() }).strict(),
  'review.window': z.object({ runId: id, windowId: id, tolerance: reviewTolerance }).strict(),
  'review.accept': z.object({ runId: id, windowId: id, spanIndex: z.number().int().min(0).max(1000).optional() }).strict(),
  'review.reject': z.object({ runId: id, windowId: id, clear: z.boolean().default(false) }).strict(),
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandArgs<K extends CommandName> = z.infer<(typeof commandSchemas)[K]>;
/** What a caller may pass: defaults filled in by the schema are optional here. */
export type CommandInput<K extends CommandName> = z.input<(typeof commandSchemas)[K]>;
export type TrainArgs = z.infer<typeof trainArgs>;

export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commandSchemas, name);
}

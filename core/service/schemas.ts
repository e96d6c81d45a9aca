/**
 * Argument schemas of every service command. Each host validates incoming arguments with these
 * before anything runs, so a malformed IPC message or HTTP body can never reach the store.
 */
import { z } from 'zod';
import { FEATURE_NAMES, FEATURE_PRESET_NAMES } from '../ml/features/series.ts';
import { TRAINING_DEFAULTS } from '../ml/training/defaults.ts';
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

/**
 * Who makes an edit (issue #12): recorded on the labels it writes and on its undo step; undo/redo take
 * the annotator whose steps to walk. Absent: the host's annotator (--annotator, CANDLEMARK_ANNOTATOR,
 * or the OS user). A name, not a credential: it attributes work, it does not authorise it.
 */
const annotator = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !/\p{Cc}/u.test(s), 'no control characters');

/** Bars an edge of a predicted span may be off and still agree with the label. */
const reviewTolerance = z.number().int().min(0).max(1000).default(DEFAULT_BOUNDARY_TOLERANCE);

/**
 * demo.create's `unlabelled`: the share of the training windows, the latest in time, left without
 * labels (not reviewed) so a new user has something to label (issue #14). 0 (every window labelled)
 * for scripts, the CLI and the tests that train on the demo; the app asks for DEMO_APP_UNLABELLED.
 */
const DEMO_UNLABELLED = z.number().min(0).max(1).default(0);
/** The app's demo (Home's button, the first start's demo file): the last third of the training windows to label. */
export const DEMO_APP_UNLABELLED = 1 / 3;

/** Issue #12, point 4: which annotators' labels a run uses (core/ml/training/label-source.ts). */
/** Named feature sets a run may ask for (core/ml/features FEATURE_PRESETS), for hosts that parse a flag. */
export const FEATURE_SET_NAMES: readonly string[] = FEATURE_PRESET_NAMES;

const labelSource = z.union([z.enum(['all', 'consensus']), z.object({ annotator }).strict()]);

export const trainArgs = z
  .object({
    model: z.enum(['soft', 'crf']).default('soft'),
    setId: id.optional(),
    encoder: z.enum(['conv', 'conv-attn']).default('conv'),
    // Absent settings get the engine's defaults (core/ml/training/defaults.ts), as the benchmarks use.
    epochs: z.number().int().min(1).max(1000).default(TRAINING_DEFAULTS.epochs),
    batchSize: z.number().int().min(1).max(1024).default(TRAINING_DEFAULTS.batchSize),
    learningRate: z.number().positive().max(1).default(TRAINING_DEFAULTS.learningRate),
    seed: z.number().int().min(0).default(TRAINING_DEFAULTS.seed),
    ensemble: z.number().int().min(1).max(16).default(TRAINING_DEFAULTS.ensemble),
    hidden: z.number().int().min(4).max(256).default(TRAINING_DEFAULTS.hidden),
    /** A named set (default = all 23, generic = the 14 without the expansion-run features, expansion = the rule's 6) or an explicit list. */
    features: z
      .union([z.enum(FEATURE_PRESET_NAMES), z.array(z.enum(FEATURE_NAMES)).min(1)], {
        error: `expected a feature set (${FEATURE_PRESET_NAMES.join(', ')}) or a list of feature names (${FEATURE_NAMES.join(', ')})`,
      })
      .optional(),
    patience: z.number().int().min(1).optional(),
    backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    /** Issue #12: training windows holding model-written spans nobody confirmed: use them, or leave them out. */
    unconfirmed: z.enum(['use', 'exclude']).default('use'),
    // --- issue #11 (trustworthy training): run settings; absent = the engine's defaults ---
    taskWeighting: z.enum(['ema-val', 'ema-train', 'learned', 'fixed']).optional(),
    noSpanWeight: z.number().min(0).max(10).optional(),
    testFraction: z.number().min(0).max(0.5).optional(),
    contradictions: z.enum(['train-both', 'mask', 'down-weight']).optional(),
    lrSchedule: z.enum(['constant', 'cosine']).optional(),
    // --- issue #12, point 4 (several annotators): whose labels a run learns from and is scored on ---
    /** 'all' (default): every annotator's spans; 'consensus': the majority per bar (ties: confidence, then the project's seniority); {annotator}: one annotator's. */
    labelSource: labelSource.optional(),
    /** With 'all': a weight in [0, 1] per annotator, multiplying their spans' confidence (absent = 1). */
    annotatorWeights: z.record(annotator, z.number().min(0).max(1)).optional(),
    // --- issue #11 points 2 and 6 (longrun): weight averaging / decay, walk-forward evaluation ---
    weightAverage: z.union([z.boolean(), z.number().gt(0).lt(1)]).optional(),
    weightDecay: z.number().min(0).max(1).optional(),
    evaluation: z.enum(['holdout', 'walk-forward']).optional(),
    folds: z.number().int().min(2).max(10).optional(),
    // --- issue #11 point 2 (reg): training-mode dropout rates (core/ml/model/dropout.ts) ---
    dropout: z.number().min(0).max(0.9).optional(),
    inputDropout: z.number().min(0).max(0.9).optional(),
    gradClip: z.number().min(0).max(1000).optional(),
    /** Which epoch the run keeps: 'span-f1' (default: highest validation span F1, ties by span loss) or 'span-loss'. */
    epochCriterion: z.enum(['span-f1', 'span-loss']).optional(),
  })
  .strict();

// ---- issue #10, point 9: train "both" is scheduled by the service, not the renderer ----------------
/**
 * train.start's arguments: train.run's, with `model: 'both'`: the soft-span run starts now and a CRF
 * run with the same settings starts when it completes (event 'training.queued'); dropped when the
 * first run does not complete (cancelled, failed, the project closed).
 */
export const trainStartArgs = trainArgs.extend({ model: z.enum(['soft', 'crf', 'both']).default('soft') }).strict();

// ---- import settings, preview, export, resample (issue 13) ----------------------------------
/** What detection cannot decide, as the CLI flags say it (core/import/settings.ts checks the values further). */
export const importSettings = z
  .object({
    columns: z.array(z.string().max(16)).min(1).max(256).optional(),
    timeFormat: z.string().min(1).max(64).optional(),
    dateOrder: z.enum(['dmy', 'mdy', 'ymd']).optional(),
    tz: z.string().min(1).max(64).optional(),
    decimal: z.enum(['.', ',']).optional(),
    skip: z.number().int().min(0).max(1000).optional(),
    priceScale: z.number().positive().finite().optional(),
  })
  .strict();
/** An id the caller picks for an import it may cancel with series.cancelImport. */
const importId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/);
const importExtras = { settings: importSettings.optional(), importId: importId.optional() };
const seriesCommands = {
  /** Detection on the first rows of some text (the import dialog's preview): nothing is written. */
  'series.preview': z
    .object({
      fileName: z.string().min(1).max(255),
      text: z.string().max(MAX_TEXT),
      settings: importSettings.optional(),
      rows: z.number().int().min(1).max(5000).default(200),
    })
    .strict(),
  'series.cancelImport': z.object({ importId }).strict(),
  /** The stored bars as a clean time,open,high,low,close[,volume] CSV (ISO UTC times). */
  'series.exportText': z.object({ seriesId }).strict(),
  /** OHLCV aggregation into a new series: UTC buckets, or days in a session time zone. */
  'series.resample': z
    .object({
      seriesId,
      to: z.enum(['1m', '5m', '15m', '30m', '1h', '2h', '4h', '1d']),
      as: seriesId,
      sessionTz: z.string().min(1).max(64).optional(),
      replace: z.boolean().default(false),
    })
    .strict(),
} as const;

export const commandSchemas = {
  'project.info': z.object({}).strict(),
  'series.import': z.object({ path: filePath, seriesId: seriesId.optional(), replace: z.boolean().default(false), ...importExtras }).strict(),
  /** The same import from file contents (a browser has contents, not paths). */
  'series.importText': z
    .object({
      fileName: z.string().min(1).max(255),
      text: z.string().max(MAX_TEXT),
      seriesId: seriesId.optional(),
      replace: z.boolean().default(false),
      ...importExtras,
    })
    .strict(),
  'series.list': z.object({}).strict(),
  'bars.read': z.object({ seriesId, from: z.number().int().min(0), count: z.number().int().min(1).max(200_000) }).strict(),
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
  'windows.setReviewed': z.object({ windowId: id, reviewed: z.boolean(), annotator: annotator.optional() }).strict(),
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
      annotator: annotator.optional(),
    })
    .strict(),
  'labels.update': z.object({ id, patch: labelPatch, annotator: annotator.optional() }).strict(),
  'labels.delete': z.object({ id, annotator: annotator.optional() }).strict(),
  'labels.undo': z.object({ annotator: annotator.optional() }).strict(),
  'labels.redo': z.object({ annotator: annotator.optional() }).strict(),
  'labels.history': z.object({ annotator: annotator.optional() }).strict(),
  /** `annotator`: whose spans the file's spans are when the file names nobody (files may carry it per span). */
  'labels.import': z.object({ path: filePath, annotator: annotator.optional() }).strict(),
  'labels.importText': z.object({ fileName: z.string().min(1).max(255), text: z.string().max(MAX_TEXT), annotator: annotator.optional() }).strict(),
  'labels.exportText': z.object({ format: z.enum(['json', 'csv']), setId: id.optional() }).strict(),
  'labels.export': z.object({ path: filePath, setId: id.optional() }).strict(),
  'labelTypes.list': z.object({}).strict(),
  'labelTypes.set': z
    .object({
      types: z
        .array(z.object({ name: typeName, color, sortOrder: z.number().int().optional() }).strict())
        .min(1)
        .max(32),
    })
    .strict(),
  'conflicts.check': z.object({}).strict(),
  'conflicts.list': z.object({ status: z.enum(['open', 'resolved', 'ignored']).optional(), windowId: id.optional() }).strict(),
  'conflicts.resolve': z
    .object({ findingId: id, action: z.enum(['copy-a-to-b', 'copy-b-to-a', 'ignore', 'mark-resolved', 'reopen']), annotator: annotator.optional() })
    .strict(),
  'demo.create': z
    .object({
      fromCsv: filePath.optional(),
      seed: z.number().int().min(0).default(7),
      bars: z.number().int().min(512).max(2_000_000).default(8192),
      contradictions: z.number().int().min(0).max(1000).default(6),
      unlabelled: DEMO_UNLABELLED,
    })
    .strict(),
  'train.run': trainArgs,
  /** The same training without waiting: returns once the run row exists; progress comes as events. */
  'train.start': trainStartArgs,
  'train.cancel': z.object({ runId: id }).strict(),
  /**
   * Whether a run can start on a set, with its labelled train/validation counts and the reason when not;
   * `labelSource` as the run's (one annotator's labels count only the windows that annotator labelled).
   */
  'train.check': z.object({ setId: id.optional(), labelSource: labelSource.optional(), evaluation: z.enum(['holdout', 'walk-forward']).optional() }).strict(),
  'runs.list': z.object({ includeIncomplete: z.boolean().default(false) }).strict(),
  'runs.get': z.object({ runId: id }).strict(),
  'runs.compare': z.object({ runIds: z.array(id).min(2).max(16) }).strict(),
  /** A completed run's report as a file: Markdown, or a self-contained HTML page (inline CSS and SVG, no scripts). */
  'runs.exportReport': z.object({ runId: id, format: z.enum(['md', 'html']).default('html') }).strict(),
  'runs.predict': z.object({ runId: id, windowIds: z.array(id).max(100_000).optional(), onlyUnlabelled: z.boolean().default(true) }).strict(),
  /** Review of a completed run's predictions (core/review/types.ts has the result types). */
  /** With `windowIds`, counts still cover the whole set but only those windows' rows come back (a cheap refresh after an edit). */
  'review.summary': z
    .object({
      runId: id,
      setId: id.optional(),
      tolerance: reviewTolerance,
      windowIds: z.array(id).max(100_000).optional(),
      queueSize: z.number().int().min(0).max(1000).default(20),
    })
    .strict(),
  'review.window': z.object({ runId: id, windowId: id, tolerance: reviewTolerance }).strict(),
  'review.accept': z.object({ runId: id, windowId: id, spanIndex: z.number().int().min(0).max(1000).optional(), annotator: annotator.optional() }).strict(),
  'review.reject': z.object({ runId: id, windowId: id, clear: z.boolean().default(false), annotator: annotator.optional() }).strict(),
  ...seriesCommands,
  // ---- issue #12: provenance and review that can't contaminate evaluation ----
  /**
   * The analyst confirms spans a model wrote ('accepted' → 'confirmed'): from then on they count as the
   * analyst's labels in validation scoring. Without `labelIds`, every accepted span of the window.
   */
  'review.confirm': z.object({ windowId: id, labelIds: z.array(id).max(10_000).optional(), annotator: annotator.optional() }).strict(),
  /** Agreement between the project's annotators (core/review/agreement.ts); minIou: the span matching rule of the report. */
  'agreement.compute': z.object({ setId: id.optional(), minIou: z.number().gt(0).max(1).default(0.5) }).strict(),
  // --- issue 14: context while labelling --------------------------------------------------------
  /**
   * The windows of a series that share bars with [from, to] (series indices, inclusive) and their
   * labels: the labelling screen draws them faintly on the bars it shows (and warns before an edit
   * would contradict them). `excludeWindowId` leaves out the window being edited.
   */
  'labels.overlapping': z
    .object({ seriesId, from: z.number().int().min(0), to: z.number().int().min(0), excludeWindowId: id.optional() })
    .strict()
    .refine((a) => a.to >= a.from && a.to - a.from < 200_000, { message: 'to must be ≥ from and the range at most 200,000 bars', path: ['to'] }),
  // --- issue 14: management ------------------------------------------------------------------------
  /** Deletes a window set with its windows, labels, findings and review decisions; `dryRun` only counts them. */
  'windows.deleteSet': z.object({ setId: id, dryRun: z.boolean().default(false) }).strict(),
  /** Deletes a finished run with its epochs, model, predictions and review decisions; `dryRun` only counts them. */
  'runs.delete': z.object({ runId: id, dryRun: z.boolean().default(false) }).strict(),
  /** Deletes a series with its bars and every window set cut from it; `dryRun` only counts them. */
  'series.delete': z.object({ seriesId, dryRun: z.boolean().default(false) }).strict(),
  /** Names given to window sets and runs. */
  'names.list': z.object({}).strict(),
  /** Names a window set; an empty name removes it. */
  'windows.renameSet': z.object({ setId: id, name: z.string().max(200) }).strict(),
  /** Names a run; an empty name removes it. */
  'runs.rename': z.object({ runId: id, name: z.string().max(200) }).strict(),
  /** A run's predictions on a window set (default: the set it trained on) as a labelled-windows file. */
  'runs.exportPredictions': z.object({ runId: id, setId: id.optional(), format: z.enum(['json', 'csv']).default('json') }).strict(),
  // --- issue 14 (h14b): rename a series ------------------------------------------------------------
  /** Gives a series a new id (refused when taken); its window sets follow. */
  'series.rename': z.object({ seriesId, to: seriesId }).strict(),
  /** Accepts every predicted span scoring ≥ minScore on the set's unlabelled windows, in one undo step; `dryRun` only counts. */
  'review.acceptAbove': z
    .object({ runId: id, setId: id.optional(), minScore: z.number().min(0).max(1), dryRun: z.boolean().default(false), annotator: annotator.optional() })
    .strict(),
  // --- issue #12, point 4: several annotators on one project ----------------------------------------
  /** The project's annotators (with their span counts) and its seniority order. */
  'annotators.list': z.object({}).strict(),
  /** Sets the seniority order (most senior first) that breaks consensus ties after confidence. */
  'annotators.setSeniority': z.object({ order: z.array(annotator).max(1000) }).strict(),
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

// --- Caller capability (issue #10, point 3) ---------------------------------------------------

/**
 * Arguments that name a file on the machine running the service, per command. Only a local caller
 * (the CLI, or Electron's main process passing a path the user picked in a file dialog) may pass
 * them; a page (HTTP, the socket, Electron IPC, the stdio host's requests) may not: it would read
 * or write any file the host process can. Pages use the content-carrying variants (`*Text`).
 * `required: true` marks commands that can't run at all without the path.
 */
export const SERVER_PATH_ARGS: Partial<Record<CommandName, { args: readonly string[]; required: boolean; instead: string }>> = {
  'series.import': { args: ['path'], required: true, instead: 'series.importText' },
  'labels.import': { args: ['path'], required: true, instead: 'labels.importText' },
  'labels.export': { args: ['path'], required: true, instead: 'labels.exportText' },
  'demo.create': { args: ['fromCsv'], required: false, instead: 'demo.create without fromCsv' },
};

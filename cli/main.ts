/**
 * The `candlemark` command line. A thin shell over the service API: it parses flags, calls one
 * command, and prints the result for a person (or as JSON with --json). Every command takes
 * --project FILE, created when missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CandlemarkService } from '../core/service/service.ts';
import { FEATURE_SET_NAMES, type CommandInput } from '../core/service/schemas.ts';
import { formatIssue } from '../core/service/errors.ts';
import { toCandlemarkError } from '../core/service/error-map.ts';
import { exitCodeOf } from '../core/service/error-status.ts';
import { ProgressBar, formatDuration } from './progress.ts';
import { printers } from './print.ts';
import { renderComparisonHtml } from '../core/ml/eval/report-export.ts';
import { REVIEW_STATUSES } from '../core/review/types.ts';
import type { Detected, ImportSettings } from '../core/import/index.ts';
import { parseAnnotatorWeights, parseLabelsFlag, parseSeniority } from './annotator-flags.ts';

const USAGE = `candlemark: label expansion spans, find contradictions, train span detectors

usage: candlemark <command> [options] --project FILE

commands:
  info                              series, windows, labels, conflicts, runs
  import CSV [--series ID] [--replace] [--columns time,open,high,low,close,volume]
             [--time-format FMT] [--date-order dmy|mdy|ymd] [--tz ZONE] [--decimal ,]
             [--skip N] [--price-scale X]
                                    import an OHLCV CSV as a series; prints what it detected
                                    (docs/formats.md); settings are kept for re-import
  series export ID FILE.csv         write a series as time,open,high,low,close[,volume] (ISO UTC)
  series resample SRC --to 1h|4h|1d --as ID [--session-tz ZONE] [--replace]
                                    aggregate a series into coarser bars (UTC buckets; daily bars
                                    by the local day in --session-tz)
  windows [--series ID] [--length 128] [--stride 64] [--split chronological|random]
          [--val-fraction 0.2] [--seed 1]
                                    cut a series into overlapping windows
  labels import FILE                import labelled windows (.json or .csv, docs/formats.md); spans
                                    whose file names no annotator become --annotator's
  labels export FILE [--set ID]     export labelled windows (.json or .csv) with provenance:
                                    annotator, origin (drawn|imported|accepted|accepted-edited|
                                    confirmed), run, labelled_at
  conflicts [--status open|resolved|ignored] [--json]
                                    contradictions between overlapping windows, and
                                    annotators who labelled one window differently (kind annotators)
  demo [--from CSV] [--seed 7]      a ready project: windows and labels (with a few contradictions)
        [--unlabelled SHARE]        leave the latest SHARE (0-1) of the training windows to label (default 0)
  train [--model soft|crf] [--epochs N] [--batch N] [--lr X] [--seed N] [--ensemble N]
        [--encoder conv|conv-attn] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu]
        [--set ID] [--patience N] [--hidden 32] [--features default|generic|expansion|logReturn,range,...] [--json]
        [--task-weighting ema-val|ema-train|learned|fixed] [--test-fraction 0.1] [--no-span-weight 1]
        [--contradictions train-both|mask|down-weight] [--lr-schedule constant|cosine]
        [--walk-forward K] [--weight-average DECAY|off] [--weight-decay WD]
        [--unconfirmed use|exclude] [--labels all|consensus|annotator:NAME]
        [--annotator-weights NAME=W,...] [--dropout R] [--input-dropout R] [--grad-clip NORM] [--epoch-criterion span-f1|span-loss]
                                    train a detector on the labelled windows (--unconfirmed exclude:
                                    leave out training windows with unconfirmed model-written spans;
                                    validation/test windows with them are never scored; --labels:
                                    whose spans train and score, consensus ties by seniority;
                                    --annotator-weights: with all, each annotator's span weight 0-1)
  runs [--all] [--json]             training runs (--all: also cancelled/interrupted/failed)
  evaluate --run ID [--json]        a run's evaluation report
  report --run ID --out FILE.html|FILE.md [--json]
                                    export a completed run's report: a self-contained HTML page
                                    (inline CSS and SVG plots, no scripts) or Markdown
  compare RUN RUN [...] [--out FILE.md|FILE.json|FILE.html] [--json]
                                    compare runs: curves, config diff, decision matrix
  predict --run ID [--all] [--json] predict spans on windows without labels (--all: every window)
  review --run ID [--set ID] [--status missed|extra|boundary|type|agree|unlabelled] [--queue N] [--json]
                                    the run's predictions against the labels: counts per status,
                                    the windows of one status, and the N training windows the model
                                    is least sure about (unlabelled, undecided: label those next)
  agreement [--set ID] [--json]     agreement between annotators on the windows two or more labelled:
                                    per pair span F1 (IoU >= 0.5) and bar-level Cohen's kappa,
                                    Krippendorff's alpha over all, the windows they disagree on
  annotators [--seniority A,B,...] [--json]
                                    who labelled (spans, windows) and the seniority order that breaks
                                    consensus ties; --seniority sets it (most senior first)
  review --confirm WINDOW [--json]  confirm the model-written labels of a window (accepted from a
                                    run): only then do they count in validation scoring

options:
  --project FILE    the project file (a SQLite database; created when missing, in an existing folder)
  --annotator NAME  who edits (recorded on labels; undo is per annotator); default
                    CANDLEMARK_ANNOTATOR, else the OS user name
  --json            print the result as one JSON object on the last line
  -h, --help        this help

exit codes: 0 done, 1 internal fault, 2 invalid arguments, 3 not found or not a project,
  4 import failed (nothing written), 5 not allowed now / conflicts with the project,
  6 read-only, 7 busy (another process is writing; try again), 8 cancelled
`;

type Flags = Record<string, string | boolean | undefined>;

const common: ParseArgsConfig['options'] = {
  project: { type: 'string' },
  annotator: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const commandOptions: Record<string, ParseArgsConfig['options']> = {
  info: {},
  import: {
    series: { type: 'string' },
    replace: { type: 'boolean' },
    // issue 13: what detection cannot decide
    columns: { type: 'string' },
    'time-format': { type: 'string' },
    'date-order': { type: 'string' },
    tz: { type: 'string' },
    decimal: { type: 'string' },
    skip: { type: 'string' },
    'price-scale': { type: 'string' },
  },
  series: { to: { type: 'string' }, as: { type: 'string' }, 'session-tz': { type: 'string' }, replace: { type: 'boolean' } },
  windows: {
    series: { type: 'string' },
    length: { type: 'string' },
    stride: { type: 'string' },
    split: { type: 'string' },
    'val-fraction': { type: 'string' },
    seed: { type: 'string' },
  },
  labels: { set: { type: 'string' } },
  conflicts: { status: { type: 'string' } },
  demo: { from: { type: 'string' }, seed: { type: 'string' }, bars: { type: 'string' }, unlabelled: { type: 'string' } },
  train: {
    model: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    ensemble: { type: 'string' },
    encoder: { type: 'string' },
    backend: { type: 'string' },
    set: { type: 'string' },
    patience: { type: 'string' },
    hidden: { type: 'string' },
    features: { type: 'string' },
    unconfirmed: { type: 'string' },
    // issue #11 run settings
    'task-weighting': { type: 'string' },
    'test-fraction': { type: 'string' },
    'no-span-weight': { type: 'string' },
    contradictions: { type: 'string' },
    'lr-schedule': { type: 'string' },
    // issue #12, point 4: whose labels
    labels: { type: 'string' },
    'annotator-weights': { type: 'string' },
    // issue #11 points 2 and 6 (longrun)
    'walk-forward': { type: 'string' },
    'weight-average': { type: 'string' },
    'weight-decay': { type: 'string' },
    // issue #11 point 2 (reg): training-mode dropout rates
    dropout: { type: 'string' },
    'input-dropout': { type: 'string' },
    'grad-clip': { type: 'string' },
    'epoch-criterion': { type: 'string' },
  },
  runs: { all: { type: 'boolean' } },
  evaluate: { run: { type: 'string' } },
  report: { run: { type: 'string' }, out: { type: 'string' } },
  compare: { out: { type: 'string' } },
  predict: { run: { type: 'string' }, all: { type: 'boolean' } },
  agreement: { set: { type: 'string' } },
  annotators: { seniority: { type: 'string' } },
  review: { run: { type: 'string' }, set: { type: 'string' }, status: { type: 'string' }, queue: { type: 'string' }, confirm: { type: 'string' } },
};

class UsageError extends Error {}

/** A flag parser's complaint (cli/annotator-flags.ts) is a usage error: exit 2, no stack. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Numbers from flags: a clear message instead of NaN reaching a schema. */
function num(flags: Flags, name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name}: expected a number, got "${String(raw)}"`);
  return value;
}

function str(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** issue #11 point 2 (longrun): --weight-average on|off|DECAY (a per-step decay in (0, 1)). */
function weightAverageFlag(raw: string | undefined): boolean | number | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'on' || raw === 'true') return true;
  if (raw === 'off' || raw === 'false') return false;
  const d = Number(raw);
  if (raw.trim() === '' || !(d > 0 && d < 1)) throw new UsageError(`--weight-average: expected on, off or a decay between 0 and 1 (e.g. 0.995), got "${raw}"`);
  return d;
}

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const print = (s: string) => out.write(s + '\n');
  const command = argv[0];
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    print(USAGE);
    return command ? 0 : 2;
  }
  const specific = commandOptions[command];
  if (!specific) {
    err.write(`candlemark: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let flags: Flags;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: argv.slice(1), options: { ...common, ...specific }, allowPositionals: true, strict: true });
    flags = parsed.values as Flags;
    positionals = parsed.positionals;
  } catch (e) {
    err.write(`candlemark ${command}: ${(e as Error).message}\n`);
    return 2;
  }
  if (flags.help) {
    print(USAGE);
    return 0;
  }
  const projectPath = str(flags, 'project');
  if (!projectPath) {
    err.write(`candlemark ${command}: --project FILE is required (the project file; created when missing)\n`);
    return 2;
  }
  const json = flags.json === true;

  let service: CandlemarkService | null = null;
  const bar = new ProgressBar();
  try {
    const annotator = str(flags, 'annotator');
    if (annotator !== undefined && annotator.trim() === '') throw new UsageError('--annotator: expected a name, got ""');
    service = CandlemarkService.open(projectPath, { create: true, busyTimeoutMs: busyTimeoutFromEnv(), author: annotator });
    // Not silent: a typo in --project would otherwise leave a stray new project behind unnoticed.
    if (service.created) err.write(`candlemark: created a new project ${projectPath}\n`);
    service.events.on('progress', (p) => bar.update(p.task, p.fraction, p.message ?? ''));
    const result = await run(service, command, positionals, flags, { print, json, bar });
    bar.done();
    if (json) print(JSON.stringify(result));
    return 0;
  } catch (e) {
    bar.done();
    if (e instanceof UsageError) {
      err.write(`candlemark ${command}: ${e.message}\n`);
      return 2;
    }
    return reportError(command, e, err, json ? print : null);
  } finally {
    service?.close();
  }
}

/** CANDLEMARK_BUSY_TIMEOUT_MS: how long a write waits for another process's write (default 30 s). */
function busyTimeoutFromEnv(): number | undefined {
  const raw = process.env.CANDLEMARK_BUSY_TIMEOUT_MS;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new UsageError(`CANDLEMARK_BUSY_TIMEOUT_MS: expected a whole number of milliseconds, got "${raw}"`);
  return ms;
}

/**
 * Prints an error as a message and its located issues, never a stack trace (CANDLEMARK_DEBUG=1 adds
 * the stack of an internal error, for a bug report), and returns the exit code of its class
 * (core/service/error-status.ts; listed in README's CLI section).
 */
function reportError(command: string, e: unknown, err: NodeJS.WritableStream, printJson: ((s: string) => void) | null): number {
  const error = toCandlemarkError(e);
  const wire = error.toJSON();
  const kind = wire.code === 'internal' ? 'internal error' : 'error';
  err.write(`candlemark ${command}: ${kind}: ${wire.message}\n`);
  for (const issue of wire.issues.slice(0, 200)) err.write(`  ${formatIssue(issue)}\n`);
  if (wire.issues.length > 200) err.write(`  … and ${wire.issues.length - 200} more\n`);
  if (wire.code === 'internal') {
    const cause = (error as { cause?: unknown }).cause ?? e;
    if (process.env.CANDLEMARK_DEBUG === '1') err.write(`${(cause as Error)?.stack ?? String(cause)}\n`);
    else err.write('  (a fault in Candlemark: please report it; CANDLEMARK_DEBUG=1 prints the stack)\n');
  }
  printJson?.(JSON.stringify({ error: wire }));
  return exitCodeOf(wire.code);
}

interface Io {
  print: (s: string) => void;
  json: boolean;
  bar: ProgressBar;
}

async function run(service: CandlemarkService, command: string, pos: string[], flags: Flags, io: Io): Promise<unknown> {
  const p = printers(io.print, io.json);
  switch (command) {
    case 'info': {
      const info = await service.call('project.info', {});
      p.info(info);
      return info;
    }
    case 'import': {
      if (pos.length !== 1) throw new UsageError('expected one CSV file: candlemark import CSV --project FILE');
      const settings = importSettingsFromFlags(flags);
      const result = await service.call('series.import', { path: pos[0], seriesId: str(flags, 'series'), replace: flags.replace === true, settings });
      p.imported(result);
      if (!io.json) printDetected(io.print, result.detected, result.settings);
      return result;
    }
    case 'series':
      return seriesCommand(service, pos, flags, io);
    case 'windows': {
      const split = str(flags, 'split');
      if (split !== undefined && split !== 'chronological' && split !== 'random')
        throw new UsageError(`--split: expected chronological or random, got "${split}"`);
      const set = await service.call('windows.create', {
        seriesId: str(flags, 'series'),
        length: num(flags, 'length'),
        stride: num(flags, 'stride'),
        split,
        valFraction: num(flags, 'val-fraction'),
        seed: num(flags, 'seed'),
      });
      p.windowSet(set);
      return set;
    }
    case 'labels': {
      const [action, file] = pos;
      if ((action !== 'import' && action !== 'export') || !file || pos.length !== 2) {
        throw new UsageError('expected: candlemark labels import FILE | labels export FILE');
      }
      if (action === 'import') {
        const result = await service.call('labels.import', { path: file });
        p.labelsImported(result);
        return result;
      }
      const result = await service.call('labels.export', { path: file, setId: num(flags, 'set') });
      p.labelsExported(result);
      return result;
    }
    case 'conflicts': {
      const status = str(flags, 'status');
      await service.call('conflicts.check', {});
      const findings = await service.call('conflicts.list', { status: status as 'open' | 'resolved' | 'ignored' | undefined });
      p.findings(findings);
      return { findings };
    }
    case 'demo': {
      const result = await service.call('demo.create', {
        fromCsv: str(flags, 'from'),
        seed: num(flags, 'seed'),
        bars: num(flags, 'bars'),
        unlabelled: num(flags, 'unlabelled'),
      });
      p.demo(result);
      return result;
    }
    case 'train': {
      const model = str(flags, 'model');
      // Say which window set trains (without --set: the newest set with labelled windows), and refuse a
      // set that can't train before any thread starts; the service checks again when the run starts.
      const check = await service.call('train.check', { setId: num(flags, 'set'), labelSource: usage(() => parseLabelsFlag(str(flags, 'labels'))) });
      if (!io.json) {
        io.print(
          `window set ${check.setId} '${check.name}': ${check.labelledTrain} labelled training, ${check.labelledValidation} labelled validation windows`,
        );
      }
      const started = Date.now();
      let runId = 0;
      // Ctrl-C cancels the run cleanly (the worker stops between batches; the run is marked cancelled).
      const onSigint = () => {
        if (!runId) process.exit(130);
        io.bar.done();
        process.stderr.write(`cancelling run ${runId}…\n`);
        void service.call('train.cancel', { runId }).catch(() => undefined);
      };
      process.on('SIGINT', onSigint);
      const offStart = service.events.on('training.started', (e) => {
        runId = e.runId;
        if (!io.json) io.print(`run ${e.runId}: training on ${e.backend} (${e.device})`);
      });
      const off = service.events.on('training.epoch', (e) => {
        const m = e.metrics as { trainLoss?: number; valLoss?: number; valBarF1?: number };
        const fraction = e.epoch / e.epochs;
        if (!io.json && !process.stderr.isTTY) {
          io.print(
            `run ${e.runId} member ${e.member + 1}: epoch ${e.epoch}/${e.epochs}  train ${fmt(m.trainLoss)}  val ${fmt(m.valLoss)}  ETA ${formatDuration(e.etaSeconds)}`,
          );
        }
        io.bar.update('train', fraction, `epoch ${e.epoch}/${e.epochs} val ${fmt(m.valLoss)} ETA ${formatDuration(e.etaSeconds)}`);
      });
      try {
        const result = await service.call('train.run', {
          model: model as 'soft' | 'crf' | undefined,
          epochs: num(flags, 'epochs'),
          batchSize: num(flags, 'batch'),
          learningRate: num(flags, 'lr'),
          seed: num(flags, 'seed'),
          ensemble: num(flags, 'ensemble'),
          encoder: str(flags, 'encoder') as 'conv' | 'conv-attn' | undefined,
          backend: str(flags, 'backend') as 'auto' | undefined,
          setId: num(flags, 'set'),
          patience: num(flags, 'patience'),
          hidden: num(flags, 'hidden'),
          // Names are checked by the command's schema, which lists the valid ones in its error.
          features: featuresFlag(str(flags, 'features')),
          unconfirmed: str(flags, 'unconfirmed') as 'use' | 'exclude' | undefined,
          // issue #11 run settings (checked by the command's schema)
          taskWeighting: str(flags, 'task-weighting') as CommandInput<'train.run'>['taskWeighting'],
          testFraction: num(flags, 'test-fraction'),
          noSpanWeight: num(flags, 'no-span-weight'),
          contradictions: str(flags, 'contradictions') as CommandInput<'train.run'>['contradictions'],
          lrSchedule: str(flags, 'lr-schedule') as CommandInput<'train.run'>['lrSchedule'],
          // issue #12, point 4
          labelSource: usage(() => parseLabelsFlag(str(flags, 'labels'))),
          annotatorWeights: usage(() => parseAnnotatorWeights(str(flags, 'annotator-weights'))),
          // issue #11 points 2 and 6 (longrun): --walk-forward K = walk-forward evaluation over K folds
          ...(str(flags, 'walk-forward') !== undefined ? { evaluation: 'walk-forward' as const, folds: num(flags, 'walk-forward') } : {}),
          weightAverage: weightAverageFlag(str(flags, 'weight-average')),
          weightDecay: num(flags, 'weight-decay'),
          // issue #11 point 2 (reg)
          dropout: num(flags, 'dropout'),
          inputDropout: num(flags, 'input-dropout'),
          gradClip: num(flags, 'grad-clip'),
          epochCriterion: str(flags, 'epoch-criterion') as CommandInput<'train.run'>['epochCriterion'],
        });
        io.bar.done();
        p.trained(result, (Date.now() - started) / 1000);
        return result;
      } finally {
        off();
        offStart();
        process.off('SIGINT', onSigint);
      }
    }
    case 'runs': {
      const runs = await service.call('runs.list', { includeIncomplete: flags.all === true });
      p.runs(runs);
      return { runs };
    }
    case 'evaluate': {
      const runId = num(flags, 'run');
      if (runId === undefined) throw new UsageError('--run ID is required');
      const run = await service.call('runs.get', { runId });
      p.report(run);
      return run;
    }
    case 'report': {
      const runId = num(flags, 'run');
      if (runId === undefined) throw new UsageError('--run ID is required');
      const outFile = str(flags, 'out');
      const format = outFile && /\.(html?)$/i.test(outFile) ? 'html' : outFile && /\.(md|markdown)$/i.test(outFile) ? 'md' : null;
      if (!outFile || !format) throw new UsageError('--out FILE.html or --out FILE.md is required');
      const result = await service.call('runs.exportReport', { runId, format });
      fs.writeFileSync(outFile, result.text);
      const written = { runId, format, path: path.resolve(outFile), bytes: Buffer.byteLength(result.text) };
      p.reportExported(written);
      return written;
    }
    case 'compare': {
      const runIds = pos.map((x) => {
        const n = Number(x);
        if (!Number.isInteger(n)) throw new UsageError(`expected run ids, got "${x}"`);
        return n;
      });
      const result = await service.call('runs.compare', { runIds });
      const outFile = str(flags, 'out');
      if (outFile) {
        const text = /\.json$/i.test(outFile)
          ? JSON.stringify(result.json, null, 2)
          : /\.html?$/i.test(outFile)
            ? renderComparisonHtml(result.json)
            : result.markdown;
        fs.writeFileSync(outFile, text);
        if (!io.json) io.print(`wrote ${path.resolve(outFile)}`);
      }
      p.comparison(result);
      return result.json;
    }
    case 'predict': {
      const runId = num(flags, 'run');
      if (runId === undefined) throw new UsageError('--run ID is required');
      const result = await service.call('runs.predict', { runId, onlyUnlabelled: flags.all !== true });
      p.predictions(result);
      return result;
    }
    case 'annotators': {
      const order = usage(() => parseSeniority(str(flags, 'seniority')));
      const result = order !== undefined ? await service.call('annotators.setSeniority', { order }) : await service.call('annotators.list', {});
      if (!io.json) {
        for (const a of result.annotators) io.print(`${a.annotator}: ${a.spans} span(s) in ${a.windows} window(s)`);
        if (result.annotators.length === 0) io.print('no annotator has a span yet');
        io.print(`seniority (most senior first): ${result.seniority.length ? result.seniority.join(', ') : '(not set: ties go by name)'}`);
      }
      return result;
    }
    case 'agreement': {
      const result = await service.call('agreement.compute', { setId: num(flags, 'set') });
      p.agreement(result);
      return result;
    }
    case 'review': {
      const confirm = num(flags, 'confirm');
      if (confirm !== undefined) {
        const result = await service.call('review.confirm', { windowId: confirm });
        if (!io.json) {
          io.print(
            `window ${result.windowId}: confirmed ${result.confirmedLabelIds.length} model-written span(s)${result.confirmedNoSpan ? ' and its accepted "no span"' : ''}; ${result.unconfirmed} left unconfirmed`,
          );
        }
        return result;
      }
      const runId = num(flags, 'run');
      if (runId === undefined) throw new UsageError('--run ID is required');
      const status = str(flags, 'status');
      if (status !== undefined && !(REVIEW_STATUSES as readonly string[]).includes(status)) {
        throw new UsageError(`--status must be one of ${REVIEW_STATUSES.join(', ')}, got "${status}"`);
      }
      // The "label next" queue is the service's (review.summary's `queue`), as the app shows it.
      const summary = await service.call('review.summary', { runId, setId: num(flags, 'set'), queueSize: num(flags, 'queue') ?? 10 });
      const rowById = new Map(summary.windows.map((w) => [w.windowId, w]));
      const queue = summary.queue.flatMap((id) => rowById.get(id) ?? []);
      const listed = status ? summary.windows.filter((w) => w.status === status) : [];
      p.review(summary, listed, queue);
      return { ...summary, windows: status ? listed : undefined, queue };
    }
  }
  throw new UsageError(`unknown command ${command}`);
}

// ---- issue 13: import settings, detection report, series export/resample -----------------------

/** --columns, --time-format, … → the settings object (only what was given; the service checks values). */
function importSettingsFromFlags(flags: Flags): ImportSettings | undefined {
  const s: ImportSettings = {};
  const columns = str(flags, 'columns');
  if (columns !== undefined) s.columns = columns.split(',').map((c) => c.trim());
  const tf = str(flags, 'time-format');
  if (tf !== undefined) s.timeFormat = tf;
  const order = str(flags, 'date-order');
  if (order !== undefined) {
    if (order !== 'dmy' && order !== 'mdy' && order !== 'ymd') throw new UsageError(`--date-order: expected dmy, mdy or ymd, got "${order}"`);
    s.dateOrder = order;
  }
  const tz = str(flags, 'tz');
  if (tz !== undefined) s.tz = tz;
  const decimal = str(flags, 'decimal');
  if (decimal !== undefined) {
    if (decimal !== '.' && decimal !== ',') throw new UsageError(`--decimal: expected "." or ",", got "${decimal}"`);
    s.decimal = decimal;
  }
  const skip = num(flags, 'skip');
  if (skip !== undefined) s.skip = skip;
  const scale = num(flags, 'price-scale');
  if (scale !== undefined) s.priceScale = scale;
  return Object.keys(s).length > 0 ? s : undefined;
}

function printDetected(print: (s: string) => void, d: Detected, settings: ImportSettings | null): void {
  const delim = d.delimiter === '\t' ? 'tab' : `"${d.delimiter}"`;
  print(
    `detected: separator ${delim}, decimal "${d.decimal}", ${d.header ? 'header' : 'no header'}, time ${d.timeFormat}${d.dateOrder ? ` (${d.dateOrder})` : ''} in ${d.timeZone}, rows ${d.rowOrder}, volume ${d.volume}`,
  );
  print(`  columns: ${d.columns.map((c) => `${c.name}=${c.role}`).join(', ')}`);
  for (const n of d.notes) print(`  ${n}`);
  if (settings !== null) print(`  settings used: ${JSON.stringify(settings)}`);
}

async function seriesCommand(service: CandlemarkService, pos: string[], flags: Flags, io: Io): Promise<unknown> {
  const [action, id, file] = pos;
  if (action === 'export') {
    if (!id || !file || pos.length !== 3) throw new UsageError('expected: candlemark series export ID FILE.csv');
    const r = await service.call('series.exportText', { seriesId: id });
    fs.writeFileSync(file, r.text);
    const written = { seriesId: id, barCount: r.barCount, path: path.resolve(file) };
    if (!io.json) io.print(`wrote ${r.barCount} bars of "${id}" to ${written.path}`);
    return written;
  }
  if (action === 'resample') {
    if (!id || pos.length !== 2) throw new UsageError('expected: candlemark series resample SRC --to 1h|4h|1d --as ID');
    const to = str(flags, 'to');
    const as = str(flags, 'as');
    if (!to || !as) throw new UsageError('--to SIZE and --as ID are required');
    const r = await service.call('series.resample', { seriesId: id, to: to as '1h', as, sessionTz: str(flags, 'session-tz'), replace: flags.replace === true });
    if (!io.json)
      io.print(
        `resampled "${id}" to ${to} (${r.sessionTz === 'UTC' ? 'UTC buckets' : `session days in ${r.sessionTz}`}): series "${r.series.id}" with ${r.series.barCount} bars`,
      );
    return r;
  }
  throw new UsageError('expected: candlemark series export ID FILE.csv | series resample SRC --to SIZE --as ID');
}

function fmt(x: number | undefined | null): string {
  return x == null || !Number.isFinite(x) ? '--' : x.toFixed(4);
}

/** `--features`: a set's name (default, generic, expansion) or a comma list of feature names (the command's schema checks them). */
function featuresFlag(v: string | undefined): CommandInput<'train.run'>['features'] {
  if (v === undefined) return undefined;
  const names = v
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return (names.length === 1 && FEATURE_SET_NAMES.includes(names[0]) ? names[0] : names) as CommandInput<'train.run'>['features'];
}

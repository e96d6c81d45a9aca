/**
 * The `candlemark` command line. A thin shell over the service API: it parses flags, calls one
 * command, and prints the result for a person (or as JSON with --json). Every command takes
 * --project FILE, created when missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CandlemarkService } from '../service/service.ts';
import type { CommandInput } from '../service/schemas.ts';
import { CandlemarkError, formatIssue, toWireError } from '../service/errors.ts';
import { ProgressBar, formatDuration } from './progress.ts';
import { printers } from './print.ts';
import { renderComparisonHtml } from '../ml/eval/report-export.ts';
import { REVIEW_STATUSES } from '../review/types.ts';
import { leastSureQueue } from '../review/queue.ts';

const USAGE = `candlemark: label expansion spans, find contradictions, train span detectors

usage: candlemark <command> [options] --project FILE

commands:
  info                              series, windows, labels, conflicts, runs
  import CSV [--series ID] [--replace]
                                    import an OHLCV CSV as a series
  windows [--series ID] [--length 128] [--stride 64] [--split chronological|random]
          [--val-fraction 0.2] [--seed 1]
                                    cut a series into overlapping windows
  labels import FILE                import labelled windows (.json or .csv, docs/formats.md)
  labels export FILE [--set ID]     export labelled windows (.json or .csv)
  conflicts [--status open|resolved|ignored] [--json]
                                    contradictions between overlapping windows
  demo [--from CSV] [--seed 7]      a ready project: windows and labels (with a few contradictions)
  train [--model soft|crf] [--epochs N] [--batch N] [--lr X] [--seed N] [--ensemble N]
        [--encoder conv|conv-attn] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu]
        [--set ID] [--patience N] [--hidden 32] [--features logReturn,range,...] [--json]
        [--task-weighting ema-val|ema-train|learned|fixed] [--test-fraction 0.1] [--no-span-weight 1]
        [--contradictions train-both|mask|down-weight] [--lr-schedule constant|cosine]
                                    train a detector on the labelled windows
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
                                    the windows of one status, and the N windows the model is least
                                    sure about (unlabelled, undecided: label those next)

options:
  --project FILE    the project file (a SQLite database; created when missing)
  --json            print the result as one JSON object on the last line
  -h, --help        this help
`;

type Flags = Record<string, string | boolean | undefined>;

const common: ParseArgsConfig['options'] = {
  project: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const commandOptions: Record<string, ParseArgsConfig['options']> = {
  info: {},
  import: { series: { type: 'string' }, replace: { type: 'boolean' } },
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
  demo: { from: { type: 'string' }, seed: { type: 'string' }, bars: { type: 'string' } },
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
    // issue #11 run settings
    'task-weighting': { type: 'string' },
    'test-fraction': { type: 'string' },
    'no-span-weight': { type: 'string' },
    contradictions: { type: 'string' },
    'lr-schedule': { type: 'string' },
  },
  runs: { all: { type: 'boolean' } },
  evaluate: { run: { type: 'string' } },
  report: { run: { type: 'string' }, out: { type: 'string' } },
  compare: { out: { type: 'string' } },
  predict: { run: { type: 'string' }, all: { type: 'boolean' } },
  review: { run: { type: 'string' }, set: { type: 'string' }, status: { type: 'string' }, queue: { type: 'string' } },
};

class UsageError extends Error {}

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
    service = CandlemarkService.open(projectPath, { create: true });
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
    const wire = toWireError(e);
    err.write(`candlemark ${command}: error: ${wire.message}\n`);
    for (const issue of wire.issues.slice(0, 200)) err.write(`  ${formatIssue(issue)}\n`);
    if (wire.issues.length > 200) err.write(`  … and ${wire.issues.length - 200} more\n`);
    if (json) print(JSON.stringify({ error: wire }));
    if (!(e instanceof CandlemarkError)) err.write(`${(e as Error)?.stack ?? ''}\n`);
    return 1;
  } finally {
    service?.close();
  }
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
      const result = await service.call('series.import', { path: pos[0], seriesId: str(flags, 'series'), replace: flags.replace === true });
      p.imported(result);
      return result;
    }
    case 'windows': {
      const split = str(flags, 'split');
      if (split !== undefined && split !== 'chronological' && split !== 'random') throw new UsageError(`--split: expected chronological or random, got "${split}"`);
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
      const result = await service.call('demo.create', { fromCsv: str(flags, 'from'), seed: num(flags, 'seed'), bars: num(flags, 'bars') });
      p.demo(result);
      return result;
    }
    case 'train': {
      const model = str(flags, 'model');
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
          io.print(`run ${e.runId} member ${e.member + 1}: epoch ${e.epoch}/${e.epochs}  train ${fmt(m.trainLoss)}  val ${fmt(m.valLoss)}  ETA ${formatDuration(e.etaSeconds)}`);
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
          features: str(flags, 'features')?.split(',').map((f) => f.trim()).filter(Boolean) as CommandInput<'train.run'>['features'],
          // issue #11 run settings (checked by the command's schema)
          taskWeighting: str(flags, 'task-weighting') as CommandInput<'train.run'>['taskWeighting'],
          testFraction: num(flags, 'test-fraction'),
          noSpanWeight: num(flags, 'no-span-weight'),
          contradictions: str(flags, 'contradictions') as CommandInput<'train.run'>['contradictions'],
          lrSchedule: str(flags, 'lr-schedule') as CommandInput<'train.run'>['lrSchedule'],
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
        const text = /\.json$/i.test(outFile) ? JSON.stringify(result.json, null, 2) : /\.html?$/i.test(outFile) ? renderComparisonHtml(result.json) : result.markdown;
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
    case 'review': {
      const runId = num(flags, 'run');
      if (runId === undefined) throw new UsageError('--run ID is required');
      const status = str(flags, 'status');
      if (status !== undefined && !(REVIEW_STATUSES as readonly string[]).includes(status)) {
        throw new UsageError(`--status must be one of ${REVIEW_STATUSES.join(', ')}, got "${status}"`);
      }
      const summary = await service.call('review.summary', { runId, setId: num(flags, 'set') });
      const queue = leastSureQueue(summary.windows, num(flags, 'queue') ?? 10);
      const listed = status ? summary.windows.filter((w) => w.status === status) : [];
      p.review(summary, listed, queue);
      return { ...summary, windows: status ? listed : undefined, queue };
    }
  }
  throw new UsageError(`unknown command ${command}`);
}

function fmt(x: number | undefined | null): string {
  return x == null || !Number.isFinite(x) ? '--' : x.toFixed(4);
}

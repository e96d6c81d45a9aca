/**
 * Candlemark's one service API. Every host (the CLI, Electron's IPC, the browser host) calls
 * `service.call(name, args)` with untrusted arguments and forwards `service.events`; nothing else
 * of core/ is reachable from a host. Arguments are validated here, once, with the command's schema.
 */
import os from 'node:os';
import { ProjectStore } from '../store/project-store.ts';
import { ServiceContext, type ServiceDebugOptions } from './context.ts';
import { parseTrainingFault } from '../ml/training/worker-types.ts';
import { CandlemarkError } from './errors.ts';
import { toCandlemarkError } from './error-map.ts';
import { checkCaller, type CallOptions } from './capability.ts';
import { TypedEmitter } from './events.ts';
import { commandSchemas, isCommandName, type CommandInput, type CommandName } from './schemas.ts';
import { CLIENT_ID_PATTERN, type CommandResult, type HandlerMap } from './api.ts';
import { projectInfo } from './handlers/project.ts';
import { importSeries, importSeriesText, readBars } from './handlers/series.ts';
import { cancelImport, exportSeriesText, previewSeries, resampleSeries } from './handlers/series.ts';
import { createWindows } from './handlers/windows.ts';
import { addLabel, deleteLabel, redo, setLabelTypes, setWindowReviewed, undo, updateLabel } from './handlers/labels.ts';
import { listConflicts, recomputeConflicts, resolveConflict } from './handlers/conflicts.ts';
import { exportLabels, exportLabelsText, importLabels, importLabelsText } from './handlers/interchange.ts';
import { createDemo } from './handlers/demo.ts';
import { agreement, annotatorsList, annotatorsSetSeniority } from './handlers/agreement.ts';
import { reviewAccept, reviewConfirm, reviewReject, reviewSummary, reviewWindow } from './handlers/review.ts';
import {
  cancelAllRuns,
  closeAllRuns,
  cancelRun,
  type ClosedRun,
  compareRuns,
  exportRunReport,
  getRun,
  listRuns,
  predictRun,
  trainCheck,
  trainRun,
  trainStart,
} from './handlers/training.ts';
import { overlappingLabels } from './handlers/overlapping.ts';
import { exportPredictions } from './handlers/predictions-export.ts';
import { deleteRunCommand, deleteSeriesCommand, deleteSet, namesList, renameRunCommand, renameSetCommand } from './handlers/manage.ts';
import { renameSeriesCommand } from './handlers/manage.ts';
import { reviewAcceptAbove } from './handlers/review.ts';

const handlers = {
  'project.info': (ctx) => projectInfo(ctx),
  'series.import': importSeries,
  'series.importText': importSeriesText,
  'series.list': (ctx) => ctx.store.listSeries(),
  'bars.read': readBars,
  'windows.create': createWindows,
  'windows.list': (ctx, a) => ctx.store.listWindows(a),
  'windows.setReviewed': setWindowReviewed,
  'labels.list': (ctx, a) => ctx.store.listLabels(a),
  'labels.add': addLabel,
  'labels.update': updateLabel,
  'labels.delete': deleteLabel,
  'labels.undo': undo,
  'labels.redo': redo,
  'labels.history': (ctx, a) => ctx.store.historyState(a.annotator ?? ctx.author),
  'labels.import': importLabels,
  'labels.export': exportLabels,
  'labels.importText': importLabelsText,
  'labels.exportText': exportLabelsText,
  'labelTypes.list': (ctx) => ctx.store.listLabelTypes(),
  'labelTypes.set': setLabelTypes,
  'conflicts.check': (ctx) => {
    recomputeConflicts(ctx, 'all');
    return ctx.store.listFindings();
  },
  'conflicts.list': listConflicts,
  'conflicts.resolve': resolveConflict,
  'demo.create': createDemo,
  'train.run': trainRun,
  'train.start': trainStart,
  'train.cancel': cancelRun,
  'train.check': trainCheck,
  'runs.list': listRuns,
  'runs.get': getRun,
  'runs.compare': compareRuns,
  'runs.exportReport': exportRunReport,
  'runs.predict': predictRun,
  'review.summary': reviewSummary,
  'review.window': reviewWindow,
  'review.accept': reviewAccept,
  'review.reject': reviewReject,
  // issue 13: import preview, cancel, export, resample
  'series.preview': previewSeries,
  'series.cancelImport': cancelImport,
  'series.exportText': exportSeriesText,
  'series.resample': resampleSeries,
  'review.confirm': reviewConfirm,
  'agreement.compute': agreement,
  // issue 14
  'labels.overlapping': overlappingLabels,
  'windows.deleteSet': deleteSet,
  'runs.delete': deleteRunCommand,
  'series.delete': deleteSeriesCommand,
  'names.list': namesList,
  'windows.renameSet': renameSetCommand,
  'runs.rename': renameRunCommand,
  'runs.exportPredictions': exportPredictions,
  // issue 14 (h14b)
  'series.rename': renameSeriesCommand,
  'review.acceptAbove': reviewAcceptAbove,
  // issue #12, point 4: several annotators
  'annotators.list': annotatorsList,
  'annotators.setSeniority': annotatorsSetSeniority,
} satisfies HandlerMap<ServiceContext>;

/** A command's result, as the contract (api.ts) declares it; the `satisfies` above holds the handlers to it. */
export type { CommandResult };

export interface OpenOptions {
  create?: boolean;
  /**
   * The annotator: recorded on labels and edit groups when a call names nobody (issue #12). Default:
   * CANDLEMARK_ANNOTATOR, else the OS user name.
   */
  author?: string;
  /**
   * Tests only: failure injection. Defaults to `CANDLEMARK_DEBUG_TRAINING_FAULT` (`throw:N` or
   * `exit:N`: the training thread dies after epoch N), so a test can set it for a host process.
   */
  debug?: ServiceDebugOptions;
  /** How long a write waits for another process's write lock (ms; the store's default otherwise). */
  busyTimeoutMs?: number;
  /** A read-only connection (the browser host's reader thread): only commands that read may be called. */
  readonly?: boolean;
}

export class CandlemarkService {
  readonly events = new TypedEmitter();
  private readonly ctx: ServiceContext;

  private constructor(
    readonly store: ProjectStore,
    author: string,
    debug: ServiceDebugOptions,
  ) {
    this.ctx = new ServiceContext(store, this.events, author, debug);
    store.annotator = author;
  }

  /**
   * Opens (or creates) a project file. A run left 'running' by a killed process becomes 'interrupted'.
   * Throws CandlemarkError: not-found (no such file, or its folder is missing), project-format (not a
   * project: a folder, an empty file without create, another app's database...), read-only, busy.
   */
  static open(projectPath: string, opts: OpenOptions = {}): CandlemarkService {
    let store: ProjectStore | null = null;
    try {
      store = ProjectStore.open(projectPath, { create: opts.create ?? false, busyTimeoutMs: opts.busyTimeoutMs, readonly: opts.readonly });
      if (!opts.readonly) store.markInterruptedRuns();
      const debug = opts.debug ?? { trainingFault: parseTrainingFault(process.env.CANDLEMARK_DEBUG_TRAINING_FAULT) };
      const fromEnv = process.env.CANDLEMARK_ANNOTATOR?.trim();
      return new CandlemarkService(store, opts.author?.trim() || fromEnv || safeUserName(), debug);
    } catch (e) {
      store?.close();
      throw toCandlemarkError(e, { projectPath });
    }
  }

  /** True when open() made a new project (the file was missing, or empty and create was asked). */
  get created(): boolean {
    return this.store.created;
  }

  /**
   * Validates `args` with the command's schema, then runs it. Throws CandlemarkError. `opts.caller`
   * 'page' (what hosts pass for a page's calls) refuses arguments naming server-side paths (capability.ts).
   */
  async call<K extends CommandName>(name: K, args?: CommandInput<K>, opts?: CallOptions): Promise<CommandResult<K>>;
  async call(name: string, args?: unknown, opts?: CallOptions): Promise<unknown>;
  async call(name: string, args: unknown = {}, opts: CallOptions = {}): Promise<unknown> {
    // While closeGracefully waits for training to stop, nothing new may start (a run started now would outlive the project).
    if (this.closing) throw new CandlemarkError('no-project', 'the project is closing');
    if (!isCommandName(name)) throw new CandlemarkError('unknown-command', `unknown command "${String(name).slice(0, 80)}"`);
    checkCaller(name, args, opts.caller ?? 'local');
    const clientId = opts.clientId ?? null;
    if (clientId !== null && !CLIENT_ID_PATTERN.test(clientId)) {
      throw new CandlemarkError('invalid-arguments', 'the client id must be 8-64 letters, digits, "_" or "-"', [
        { field: 'clientId', message: `expected ${CLIENT_ID_PATTERN}` },
      ]);
    }
    const parsed = commandSchemas[name].safeParse(args ?? {});
    if (!parsed.success) {
      throw new CandlemarkError(
        'invalid-arguments',
        `${name}: invalid arguments`,
        parsed.error.issues.map((i) => ({ field: i.path.join('.') || null, message: i.message })),
      );
    }
    const handler = handlers[name] as (ctx: ServiceContext, a: unknown) => unknown;
    try {
      return await handler(this.ctx.forCall(clientId), parsed.data);
    } catch (e) {
      // The one place where store, import, SQLite and file errors become service error codes.
      throw toCandlemarkError(e, { projectPath: this.store.path });
    }
  }

  /**
   * Cancels training in progress and closes the project without waiting: the workers record the
   * cancellation themselves only if the process lives on. A host about to exit uses closeGracefully.
   */
  close(): void {
    this.ctx.closing = true;
    cancelAllRuns(this.ctx);
    this.store.close();
  }

  private closing: Promise<ClosedRun[]> | null = null;

  /**
   * Cancels training in progress, waits (at most `waitMs`, default 10 s) until each worker has
   * recorded its run as cancelled, then closes the project; a run whose worker is still busy after
   * that is stopped and recorded 'interrupted'. For hosts' shutdown paths: with close() alone, a
   * process that exits right after kills the workers mid-way and leaves the runs 'interrupted'.
   * Commands called meanwhile are refused. Resolves with how each of those runs ended; calling it
   * again returns the same promise.
   */
  closeGracefully(opts: { waitMs?: number } = {}): Promise<ClosedRun[]> {
    this.ctx.closing = true;
    this.closing ??= (async () => {
      try {
        return await closeAllRuns(this.ctx, opts.waitMs ?? 10_000);
      } finally {
        this.store.close();
      }
    })();
    return this.closing;
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'analyst';
  }
}

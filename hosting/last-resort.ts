/**
 * Last-resort handlers for host processes (browser host, stdio host, CLI, Electron's main process).
 * Node ends a process on an unhandled promise rejection or an uncaught exception; for a host that
 * would drop every open page and every run in progress because of one failed command. The service
 * handles its own promises (a run that fails ends 'failed' with its reason, see handlers/training.ts);
 * these handlers are the net under that: they log what escaped and the host keeps serving.
 */

export interface LastResortOptions {
  /** Where the report goes (default: stderr). */
  log?: (message: string) => void;
  /** Called after logging, e.g. to make a CLI exit non-zero in the end. */
  onProblem?: (kind: 'unhandledRejection' | 'uncaughtException', error: unknown) => void;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** Installs the two process handlers once per host; returns a function that removes them. */
export function installLastResortHandlers(host: string, opts: LastResortOptions = {}): () => void {
  const log = opts.log ?? ((m: string) => console.error(m));
  const onRejection = (reason: unknown) => {
    log(`[${host}] unhandled promise rejection (a bug: please report it; the host keeps serving): ${describe(reason)}`);
    opts.onProblem?.('unhandledRejection', reason);
  };
  const onException = (error: unknown) => {
    log(`[${host}] uncaught exception (a bug: please report it; the host keeps serving): ${describe(error)}`);
    opts.onProblem?.('uncaughtException', error);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

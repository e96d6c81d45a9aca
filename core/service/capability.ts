/**
 * Who is calling the service, and what that caller may do. One definition for every host: the CLI
 * calls as 'local'; the browser host (HTTP and socket), Electron's IPC and the stdio host's requests
 * call as 'page', which may not name files on the service's machine (schemas.ts, SERVER_PATH_ARGS).
 */
import { CandlemarkError } from './errors.ts';
import { SERVER_PATH_ARGS, type CommandName } from './schemas.ts';

export type Caller = 'page' | 'local';

export interface CallOptions {
  /** Default 'local' (in-process callers: the CLI, tests, a host's own startup). Hosts pass 'page' for what a page sends. */
  caller?: Caller;
  /**
   * The connection the call came over (HTTP header, socket subprotocol, IPC payload): stamped on the
   * events the call causes, so that client can skip its own echoes. Absent: null (the CLI, the host).
   */
  clientId?: string | null;
}

/** Throws a 'forbidden' CandlemarkError when `caller` may not run `name` with `args`. */
export function checkCaller(name: CommandName, args: unknown, caller: Caller): void {
  if (caller === 'local') return;
  const mark = SERVER_PATH_ARGS[name];
  if (!mark) return;
  const given = args !== null && typeof args === 'object' ? (args as Record<string, unknown>) : {};
  const named = mark.args.filter((a) => Object.prototype.hasOwnProperty.call(given, a) && given[a] !== undefined);
  if (!mark.required && named.length === 0) return;
  const what = mark.required ? `${name} names a file on the host's machine` : `${name} with ${named.join(', ')} names a file on the host's machine`;
  throw new CandlemarkError('forbidden', `${what} and can only be called from the command line; a page uses ${mark.instead}`, [
    { field: (named[0] ?? mark.args[0]) || null, message: 'server-side paths are not accepted from a page' },
  ]);
}

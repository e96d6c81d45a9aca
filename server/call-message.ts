/**
 * A call as a page sends it (`{ command, args }` as a POST body, `{ id, command, args }` on the
 * socket), decoded and run where the service lives. The browser host hands the raw bytes to its
 * project thread (service-worker.ts), which decodes them there: parsing a 60 MB `series.importText`
 * body on the HTTP thread stalled static files for ~1 s. Results come back as JSON text, sent on as
 * they are, so a large result (bars.read) isn't parsed and re-serialised on the HTTP thread either.
 */
import type { CallOptions } from '../core/service/capability.ts';
import { toWireError, type WireError } from '../core/service/errors.ts';

export interface DecodeOptions {
  /** The socket's calls carry an id (a non-negative integer) to match answers; a POST's don't. */
  needId: boolean;
  /** Names the message in errors: 'request body' or 'call message'. */
  what: string;
  /** The connection's client id (HTTP header / socket subprotocol), stamped on the events the call causes. */
  clientId?: string | null;
}

export type CallOutcome =
  | { kind: 'malformed'; message: string }
  | { kind: 'result'; id: number | null; json: string }
  | { kind: 'error'; id: number | null; error: WireError };

export type Decoded = { ok: true; id: number | null; command: string; args: unknown } | { ok: false; message: string };

export function decodeCall(bytes: Uint8Array, opts: DecodeOptions): Decoded {
  let msg: unknown;
  try {
    msg = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (e) {
    return { ok: false, message: `${opts.what}: ${(e as Error).message}` };
  }
  const { id, command, args } = (msg !== null && typeof msg === 'object' ? msg : {}) as { id?: unknown; command?: unknown; args?: unknown };
  if (opts.needId && (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)) return { ok: false, message: 'a call needs "id": a non-negative integer' };
  return { ok: true, id: opts.needId ? (id as number) : null, command: String(command), args: args ?? {} };
}

/** Decodes and runs one call with `call` (a service's, as a page). Never throws. */
export async function runEncodedCall(
  call: (name: string, args: unknown, opts: CallOptions) => Promise<unknown>,
  bytes: Uint8Array,
  opts: DecodeOptions,
): Promise<CallOutcome> {
  const d = decodeCall(bytes, opts);
  if (!d.ok) return { kind: 'malformed', message: d.message };
  try {
    const result = await call(d.command, d.args, { caller: 'page', clientId: opts.clientId ?? null });
    try {
      return { kind: 'result', id: d.id, json: JSON.stringify(result ?? null) };
    } catch (err) {
      return { kind: 'error', id: d.id, error: { code: 'internal', message: `the result could not be serialised: ${String(err)}`, issues: [] } };
    }
  } catch (err) {
    return { kind: 'error', id: d.id, error: toWireError(err) };
  }
}

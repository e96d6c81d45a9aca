/**
 * A call as a page sends it (`{ command, args }` as a POST body, `{ id, command, args }` on the
 * socket, `{ command, args }` as an Electron IPC value: parseCallPayload), decoded and run where the
 * service lives. Node-only (Buffer), shared by the hosts. The browser host hands the raw bytes to its
 * project thread (project-service.ts), which decodes them there: parsing a 60 MB `series.importText`
 * body on the HTTP thread stalled static files for ~1 s. Results come back as JSON text, sent on as
 * they are, so a large result (bars.read) isn't parsed and re-serialised on the HTTP thread either.
 */
import type { CallOptions } from '../core/service/capability.ts';
import { toWireError, type WireError } from '../core/service/errors.ts';
import { CLIENT_ID_PATTERN } from '../core/service/api.ts';

export interface DecodeOptions {
  /** The socket's calls carry an id (a non-negative integer) to match answers; a POST's don't. */
  needId: boolean;
  /** Names the message in errors: 'request body' or 'call message'. */
  what: string;
  /** The connection's client id (HTTP header / socket subprotocol), stamped on the events the call causes. */
  clientId?: string | null;
}

export type CallOutcome =
  { kind: 'malformed'; message: string } | { kind: 'result'; id: number | null; json: string } | { kind: 'error'; id: number | null; error: WireError };

export type Decoded = { ok: true; id: number | null; command: string; args: unknown } | { ok: false; message: string };

export function decodeCall(bytes: Uint8Array, opts: DecodeOptions): Decoded {
  let msg: unknown;
  try {
    msg = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (e) {
    return { ok: false, message: `${opts.what}: ${(e as Error).message}` };
  }
  const { id, command, args } = (msg !== null && typeof msg === 'object' ? msg : {}) as { id?: unknown; command?: unknown; args?: unknown };
  if (opts.needId && (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0))
    return { ok: false, message: 'a call needs "id": a non-negative integer' };
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

/** Longest command name a host accepts (the service's names are far shorter). */
export const MAX_COMMAND_LENGTH = 100;

/**
 * A call handed over as a value (Electron IPC: `{ command, args, clientId? }` with nothing else, a plain
 * object, no prototype tricks); returns the checked pair or what is wrong with it.
 */
export function parseCallPayload(payload: unknown): { command: string; args: unknown; clientId: string | null } | string {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return 'payload must be an object { command, args }';
  if (Object.getPrototypeOf(payload) !== Object.prototype && Object.getPrototypeOf(payload) !== null) return 'payload must be a plain object';
  const keys = Reflect.ownKeys(payload);
  for (const k of keys) {
    if (k !== 'command' && k !== 'args' && k !== 'clientId')
      return `unexpected payload field ${typeof k === 'string' ? JSON.stringify(k.slice(0, 40)) : 'symbol'}`;
  }
  const command = (payload as { command?: unknown }).command;
  if (typeof command !== 'string' || command.length === 0 || command.length > MAX_COMMAND_LENGTH) return 'command must be a non-empty string';
  const args = (payload as { args?: unknown }).args;
  // The window's client id (renderer/src/api/client.ts): stamped on the events the call causes so it can skip its own echoes.
  const clientId = (payload as { clientId?: unknown }).clientId;
  if (clientId !== undefined && (typeof clientId !== 'string' || !CLIENT_ID_PATTERN.test(clientId))) return 'clientId must be 8-64 letters, digits, "_" or "-"';
  return { command, args: args === undefined ? {} : args, clientId: clientId ?? null };
}

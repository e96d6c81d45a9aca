/**
 * The one IPC entry point of the renderer: `candlemark:call`. `handleIpcCall` is a pure function
 * (no Electron import) so its checks are unit-tested without an Electron binary:
 *
 * 1. the sender must be our window's web contents, its main frame, showing our app origin
 *    (`app://candlemark`): not a subframe, not devtools, not a page it navigated to;
 * 2. the payload must be exactly `{ command: string, args?: unknown }`;
 * 3. `service.call` runs it as a 'page' caller (no server-side paths: core/service/capability.ts)
 *    and validates `args` with the command's zod schema. The menu's file dialogs call the service
 *    from the main process instead, with the path the user picked, never the renderer's string.
 *
 * It resolves to `{ result }` or `{ error: WireError }` and never throws across IPC.
 */
import { CandlemarkError, toWireError, type WireError } from '../core/service/errors.ts';
import type { CallOptions } from '../core/service/capability.ts';
import { parseCallPayload as parsePayload } from '../hosting/call-message.ts';

export const CALL_CHANNEL = 'candlemark:call';
export const EVENT_CHANNEL = 'candlemark:event';
export const APP_SCHEME = 'app';
export const APP_HOST = 'candlemark';
/** Where the renderer lives: a custom, privileged scheme served from renderer/dist. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export type IpcResponse = { result: unknown } | { error: WireError };

/** The part of a service the handler needs (CandlemarkService satisfies it). */
export interface CallableService {
  call(name: string, args?: unknown, opts?: CallOptions): Promise<unknown>;
}

/** Structural subset of Electron's WebFrameMain, so tests can pass plain objects. */
export interface FrameLike {
  url: string;
  parent: unknown;
}

/** Structural subset of Electron's IpcMainInvokeEvent. */
export interface IpcEventLike {
  sender: { id: number };
  senderFrame: FrameLike | null | undefined;
}

/** Which sender we trust: the id of our window's webContents (null while there is no window). */
export interface TrustedSender {
  webContentsId: number;
  origin?: string;
}

/** `app://candlemark/...` → true. Node's URL gives "null" as the origin of custom schemes, so compare parts. */
export function isAppUrl(url: unknown, origin: string = APP_ORIGIN): boolean {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === origin && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

function refuse(message: string): IpcResponse {
  return { error: { code: 'invalid-operation', message, issues: [] } };
}

/** Why a sender is not trusted, or null when it is. */
export function senderProblem(event: unknown, trusted: TrustedSender | null): string | null {
  if (!trusted) return 'no window to accept calls from';
  if (!event || typeof event !== 'object') return 'no IPC event';
  const e = event as Partial<IpcEventLike>;
  const sender = e.sender;
  if (!sender || typeof sender !== 'object' || sender.id !== trusted.webContentsId) return 'IPC from an unknown web contents';
  let frame: FrameLike | null | undefined;
  try {
    frame = e.senderFrame; // a getter in Electron; null once the frame navigated away or was destroyed
  } catch {
    frame = null;
  }
  if (!frame || typeof frame !== 'object') return 'IPC from a frame that no longer exists';
  // The main frame is the one without a parent (WebFrameMain.parent is null only there).
  if (frame.parent !== null) return 'IPC from a subframe';
  let url: unknown;
  try {
    url = frame.url;
  } catch {
    url = undefined;
  }
  if (!isAppUrl(url, trusted.origin ?? APP_ORIGIN)) return 'IPC from a page outside the app';
  return null;
}

/** `{ command, args }` with nothing else (hosting/call-message.ts, shared by the hosts). */
export { parseCallPayload as parsePayload } from '../hosting/call-message.ts';
export async function handleIpcCall(service: CallableService | null, event: unknown, payload: unknown, trusted: TrustedSender | null): Promise<IpcResponse> {
  try {
    const problem = senderProblem(event, trusted);
    if (problem) return refuse(problem);
    const parsed = parsePayload(payload);
    if (typeof parsed === 'string') return { error: { code: 'invalid-arguments', message: parsed, issues: [] } };
    if (!service) return { error: new CandlemarkError('no-project', 'no project is open').toJSON() };
    const result = await service.call(parsed.command, parsed.args, { caller: 'page', clientId: parsed.clientId });
    return { result: result ?? null };
  } catch (err) {
    return { error: toWireError(err) };
  }
}

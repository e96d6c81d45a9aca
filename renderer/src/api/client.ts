/**
 * The one way the renderer reaches the product: `call(command, args)` and `onEvent(listener)`.
 * The transport is picked once at start-up: Electron's preload bridge when present, otherwise the
 * browser host: a WebSocket for events that also carries calls while it is open, and HTTP POST
 * /api/call before it opens or while it reconnects. Nothing here touches Node.
 */
import { ApiError } from './errors.ts';
import { takeToken } from './token.ts';
import type { CommandInput, CommandName, EventName, Result, ServiceEvents, WireError } from './types.ts';
import { withAnnotator } from '../state/annotator.ts';
import { isEventName } from '../../../core/service/api.ts';
import { EventSequence } from './event-sequence.ts';

type Envelope = { result: unknown } | { error: WireError };
/** One event as (name, payload) with the payload typed by the name: `if (name === ...)` narrows it. */
export type EventArgs<N extends EventName = EventName> = { [K in N]: [name: K, payload: ServiceEvents[K]] }[N];
type AnyListener = (...event: EventArgs) => void;
/** What a transport hands on: the wire's name and payload, checked in `dispatch` below. */
type RawListener = (name: string, payload: unknown) => void;

/**
 * This page's client id (issue #10, point 9): sent with every call (HTTP header, socket subprotocol,
 * IPC payload); the service stamps it on the events the call causes, so the page tells its own
 * echoes from other clients' changes without guessing by time.
 */
export const clientId: string = (() => {
  const bytes = new Uint8Array(12);
  window.crypto.getRandomValues(bytes);
  return 'page-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
})();

/** True when this page's own call caused the event. */
export const isOwnEvent = (payload: { clientId: string | null }): boolean => payload.clientId === clientId;

interface Bridge {
  call(command: string, args: unknown, clientId?: string): Promise<Envelope>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    candlemark?: Bridge;
  }
}

/**
 * The event channel as the page should show it (issue #9). 'connecting': the first connection is
 * being made (nothing to say yet); 'down': it dropped, or never came up after a few tries;
 * `failures` counts the reconnect attempts that failed since.
 */
export interface ConnectionState {
  status: 'connecting' | 'connected' | 'down';
  failures: number;
}

interface Transport {
  kind: 'electron' | 'browser';
  connection(): ConnectionState;
  onConnectionChange(listener: (s: ConnectionState) => void): () => void;
  call(command: string, args: unknown): Promise<Envelope>;
  onEvent(listener: RawListener): () => void;
  /** Whether pushed events currently arrive (the UI refreshes by itself either way). */
  connected(): boolean;
  /** Called when the event channel comes back after a drop: events in between were missed. */
  onReconnect(listener: () => void): () => void;
  /** A host-level command (the browser host's project menu: POST /api/host); none in Electron. */
  hostCall(command: string, args: unknown): Promise<Envelope>;
}

function electronTransport(bridge: Bridge): Transport {
  return {
    kind: 'electron',
    call: (command, args) => bridge.call(command, args, clientId),
    onEvent: (listener) => bridge.onEvent(listener),
    connected: () => true,
    connection: () => ({ status: 'connected', failures: 0 }),
    onConnectionChange: () => () => undefined,
    // IPC has no connection to lose: the window and its host live and die together.
    onReconnect: () => () => undefined,
    // The main process answers host.* with the File menu's own actions (electron/project-ipc.ts).
    hostCall: (command, args) => bridge.call(command, args),
  };
}

function browserTransport(token: string | null): Transport {
  const listeners = new Set<RawListener>();
  let socket: WebSocket | null = null;
  let open = false;
  let attempt = 0;
  /** Calls sent on the socket, by id, waiting for their reply. */
  const pending = new Map<number, (env: Envelope) => void>();
  let nextId = 1;
  const reconnectListeners = new Set<() => void>();
  let openedBefore = false;
  let state: ConnectionState = { status: 'connecting', failures: 0 };
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const setState = (next: ConnectionState) => {
    if (next.status === state.status && next.failures === state.failures) return;
    state = next;
    for (const l of stateListeners) l(state);
  };

  // One socket for all listeners; reconnect with capped exponential backoff when it drops.
  const connect = () => {
    if (!token) return;
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/events`;
    try {
      socket = new WebSocket(url, ['candlemark.v1', 'token.' + token, 'client.' + clientId]);
    } catch {
      return schedule();
    }
    socket.onopen = () => {
      open = true;
      attempt = 0;
      setState({ status: 'connected', failures: 0 });
      // Back after a drop (a restarted host, a sleeping laptop): what changed meanwhile sent no event.
      if (openedBefore) for (const l of reconnectListeners) l();
      openedBefore = true;
    };
    socket.onmessage = (ev) => {
      let msg: { event?: string; payload?: unknown; id?: unknown } & Partial<Envelope>;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (typeof msg.event === 'string') for (const l of listeners) l(msg.event, msg.payload);
      else if (typeof msg.id === 'number') {
        const done = pending.get(msg.id);
        pending.delete(msg.id);
        done?.(msg as Envelope);
      }
    };
    socket.onclose = () => {
      // A drop of an open socket, or one more failed attempt (the host is gone, or runs elsewhere now).
      if (open) setState({ status: 'down', failures: 0 });
      else if (openedBefore || state.failures >= 2) setState({ status: 'down', failures: state.failures + 1 });
      else state = { ...state, failures: state.failures + 1 };
      open = false;
      socket = null;
      // Not retried over HTTP: the host may have run the command already (an edit would run twice).
      for (const done of pending.values())
        done({
          error: {
            code: 'internal',
            message: 'the connection to the Candlemark host dropped before it answered, so the command may or may not have run: check before repeating it',
            issues: [],
          },
        });
      pending.clear();
      schedule();
    };
  };
  const schedule = () => {
    const delay = Math.min(30_000, 500 * 2 ** attempt++) * (0.75 + Math.random() * 0.5);
    setTimeout(connect, delay);
  };

  return {
    kind: 'browser',
    async call(command, args) {
      if (!token) return { error: { code: 'invalid-operation', message: 'no access token: open the URL the host printed (it ends in #token=…)', issues: [] } };
      if (open && socket) {
        const id = nextId++;
        const ws = socket;
        return new Promise<Envelope>((resolve) => {
          pending.set(id, resolve);
          ws.send(JSON.stringify({ id, command, args }));
        });
      }
      return await post('api/call', token, command, args);
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!socket && listeners.size === 1) connect();
      return () => listeners.delete(listener);
    },
    connected: () => open,
    connection: () => state,
    onConnectionChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    async hostCall(command, args) {
      if (!token) return { error: { code: 'invalid-operation', message: 'no access token: open the URL the host printed (it ends in #token=…)', issues: [] } };
      return await post('api/host', token, command, args);
    },
  };
}

/** One `{command, args}` POST to the browser host; network and non-JSON answers become error envelopes. */
async function post(url: 'api/call' | 'api/host', token: string, command: string, args: unknown): Promise<Envelope> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'X-Candlemark-Client': clientId },
      body: JSON.stringify({ command, args }),
    });
  } catch (e) {
    return { error: { code: 'internal', message: `cannot reach the Candlemark host: ${(e as Error).message}`, issues: [] } };
  }
  try {
    return (await res.json()) as Envelope;
  } catch {
    return { error: { code: 'internal', message: `host answered ${res.status} without JSON`, issues: [] } };
  }
}

const transport: Transport = window.candlemark ? electronTransport(window.candlemark) : browserTransport(takeToken());

export const transportKind = transport.kind;
export const eventsConnected = (): boolean => transport.connected();

/** Runs one service command; throws ApiError with the service's code, message and issues. */
export async function call<K extends CommandName>(command: K, args: CommandInput<K>): Promise<Result<K>> {
  // Every edit carries who makes it (issue #12; renderer/src/state/annotator.ts).
  const env = await transport.call(command, withAnnotator(command, args));
  if ('error' in env && env.error) throw new ApiError(env.error);
  return (env as { result: unknown }).result as Result<K>;
}

/** The event channel's state now, and its changes (the disconnected banner). */
export const connectionState = (): ConnectionState => transport.connection();
export function onConnectionChange(listener: (s: ConnectionState) => void): () => void {
  return transport.onConnectionChange(listener);
}

// --- events: one subscription to the transport, checked, sequenced and fanned out -------------------

const serviceListeners = new Set<AnyListener>();
const hostListeners = new Set<RawListener>();
const resyncListeners = new Set<() => void>();
/** The service events' sequence numbers seen so far (reset by a reconnect or a project switch). */
const sequence = new EventSequence();
let subscribed = false;

const resync = () => {
  for (const l of resyncListeners) l();
};

/**
 * A service event (a name the contract knows, with its origin stamp) goes to the service listeners; a
 * jump in `seq` means events were missed (a dropped frame, a listener added late on the host's side):
 * the views read again once. `host.*` events (the browser host's project switch) go to hostListeners.
 * The transport boundary is the one place the wire's JSON is taken as the contract's types.
 */
function dispatch(name: string, payload: unknown): void {
  if (isEventName(name)) {
    const seq = payload !== null && typeof payload === 'object' ? (payload as { seq?: unknown }).seq : undefined;
    if (typeof seq !== 'number') return;
    const gap = sequence.accept(seq) === 'gap';
    for (const l of serviceListeners) l(...([name, payload] as EventArgs));
    if (gap) resync();
  } else if (name.startsWith('host.')) {
    sequence.reset();
    for (const l of hostListeners) l(name, payload);
  }
}

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  transport.onEvent(dispatch);
  transport.onReconnect(() => {
    sequence.reset();
    resync();
  });
}

/**
 * Subscribes to "events may have been missed": the channel came back after a drop, or the sequence
 * numbers jumped. Views re-read what they show. Returns the unsubscribe function.
 */
export function onReconnect(listener: () => void): () => void {
  subscribe();
  resyncListeners.add(listener);
  return () => void resyncListeners.delete(listener);
}

/** Subscribes to every service event; returns the unsubscribe function. */
export function onEvent(listener: AnyListener): () => void {
  subscribe();
  serviceListeners.add(listener);
  return () => void serviceListeners.delete(listener);
}

/** Subscribes to the browser host's own events (`host.projectChanged`); returns the unsubscribe function. */
export function onHostEvent(listener: (name: string, payload: unknown) => void): () => void {
  subscribe();
  hostListeners.add(listener);
  return () => void hostListeners.delete(listener);
}

/** The browser host's project menu commands (server/main.ts projectMenuCommands); throws ApiError. */
export async function hostCall<T>(command: 'host.projects' | 'host.openProject' | 'host.createProject', args: unknown): Promise<T> {
  const env = await transport.hostCall(command, args);
  if ('error' in env && env.error) throw new ApiError(env.error);
  return (env as { result: unknown }).result as T;
}

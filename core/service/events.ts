/**
 * The service's event emitter. Payloads are declared once, in the contract (api.ts); the emitter
 * stamps each with its Origin: a sequence number that increases by one per event of this open
 * project, and the id of the client whose call caused it. Hosts forward events as-is; a renderer
 * skips its own echoes by `clientId` and reads again when `seq` jumps.
 */
import { EVENT_NAMES, type EventName, type EventPayloads, type ServiceEvents } from './api.ts';

export { EVENT_NAMES };
export type { EventName, EventPayloads, ServiceEvents };
export type Listener<K extends EventName> = (payload: ServiceEvents[K]) => void;

/** What a handler emits through: the payload without its Origin (the emitter adds it). */
export interface EventSink {
  emit<K extends EventName>(name: K, payload: EventPayloads[K]): void;
}

/** A tiny typed emitter: no Node EventEmitter, so the same code runs in a browser bundle. */
export class TypedEmitter implements EventSink {
  private listeners = new Map<EventName, Set<(p: unknown) => void>>();
  private seq = 0;

  on<K extends EventName>(name: K, fn: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn as (p: unknown) => void);
    return () => set.delete(fn as (p: unknown) => void);
  }

  /** Subscribe to every event, e.g. to forward them over IPC or a WebSocket. */
  onAny(fn: <K extends EventName>(name: K, payload: ServiceEvents[K]) => void): () => void {
    const offs = EVENT_NAMES.map((name) => this.on(name, (p) => fn(name, p)));
    return () => offs.forEach((off) => off());
  }

  /** Emits an event no client's call caused (clientId null). */
  emit<K extends EventName>(name: K, payload: EventPayloads[K]): void {
    this.emitFrom(null, name, payload);
  }

  /** A sink whose events name `clientId` as their origin: what one call's handler emits through. */
  from(clientId: string | null): EventSink {
    return { emit: (name, payload) => this.emitFrom(clientId, name, payload) };
  }

  private emitFrom<K extends EventName>(clientId: string | null, name: K, payload: EventPayloads[K]): void {
    const stamped = { ...payload, seq: ++this.seq, clientId } as ServiceEvents[K];
    for (const fn of this.listeners.get(name) ?? []) fn(stamped);
  }
}

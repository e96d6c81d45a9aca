/** React glue for service events: one subscription per component, handler kept fresh via a ref. */
import { useEffect, useRef, useState } from 'react';
import { connectionState, onConnectionChange, onEvent, onReconnect, type ConnectionState, type EventArgs } from '../api/client.ts';
import type { EventName } from '../api/types.ts';

/**
 * Calls `handler(name, payload)` for the named events; the payload's type follows the name (check
 * `name` to narrow it). Every payload carries its origin (`clientId`, `seq`): see isOwnEvent.
 */
export function useServiceEvents<const N extends EventName>(names: readonly N[], handler: NoInfer<(...event: EventArgs<N>) => void>): void {
  const ref = useRef(handler);
  ref.current = handler;
  const key = names.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    return onEvent((...event) => {
      if (wanted.has(event[0])) ref.current(...(event as EventArgs<N>));
    });
  }, [key]);
}

/** Runs `handler` when events may have been missed (the channel came back after a drop, or `seq` jumped): the views re-read what they show. */
export function useReconnect(handler: () => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => onReconnect(() => ref.current()), []);
}

/** The host connection's state, re-rendering on every change (see ConnectionBanner). */
export function useConnection(): ConnectionState {
  const [state, setState] = useState<ConnectionState>(connectionState);
  useEffect(() => {
    setState(connectionState());
    return onConnectionChange(setState);
  }, []);
  return state;
}

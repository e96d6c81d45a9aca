/** React glue for service events: one subscription per component, handler kept fresh via a ref. */
import { useEffect, useRef, useState } from 'react';
import { connectionState, onConnectionChange, onEvent, onReconnect, type ConnectionState } from '../api/client.ts';
import type { EventName } from '../api/types.ts';

export function useServiceEvents(names: EventName[], handler: (name: EventName, payload: unknown) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  const key = names.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    return onEvent((name, payload) => {
      if (wanted.has(name)) ref.current(name, payload);
    });
  }, [key]);
}

/** Runs `handler` when the event channel comes back after a drop (the views re-read what they show). */
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

/** React glue for service events: one subscription per component, handler kept fresh via a ref. */
import { useEffect, useRef } from 'react';
import { onEvent } from '../api/client.ts';
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

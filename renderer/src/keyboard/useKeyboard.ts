/** Dispatches keydown events through the key map; typing in a form field is left alone. */
import { useEffect, useRef } from 'react';
import { BINDINGS, type ActionId } from './keymap.ts';

export type Handlers = Partial<Record<ActionId, (e: KeyboardEvent) => void>>;

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  // A range slider keeps arrow keys for itself but shouldn't swallow our shortcuts.
  return el.tagName === 'INPUT' && (el as HTMLInputElement).type !== 'range' && (el as HTMLInputElement).type !== 'checkbox';
}

export function useKeyboard(handlers: Handlers, enabled = true): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || (isTyping(e.target) && e.key !== 'Escape')) return;
      for (const b of BINDINGS) {
        const fn = ref.current[b.action];
        if (fn && b.match(e)) {
          e.preventDefault();
          fn(e);
          return;
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

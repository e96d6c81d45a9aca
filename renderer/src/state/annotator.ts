/**
 * Who is labelling in this browser/app (issue #12): chosen once (the first start asks for a name),
 * remembered in localStorage, and sent with every edit so the host records it on the labels and keeps
 * undo/redo per annotator. A name, not a login: it attributes work.
 */
import { useCallback, useState } from 'react';

const KEY = 'candlemark.annotator';

/** Commands whose schema takes `annotator` (core/service/schemas.ts). */
const ANNOTATED = new Set([
  'labels.add',
  'labels.update',
  'labels.delete',
  'labels.undo',
  'labels.redo',
  'labels.history',
  'labels.importText',
  'windows.setReviewed',
  'review.accept',
  'review.reject',
  'review.confirm',
  'review.acceptAbove',
  // issue #12, point 4: Keep A / Keep B edit labels, so the step is this annotator's to undo
  'conflicts.resolve',
]);

export function storedAnnotator(): string | null {
  try {
    const v = localStorage.getItem(KEY)?.trim();
    return v ? v : null;
  } catch {
    return null;
  }
}

/** The checks the host applies (1–100 characters, no control characters), so a bad name is refused here. */
export function validAnnotator(name: string): string | null {
  const v = name.trim();
  if (v === '') return 'Enter a name';
  if (v.length > 100) return 'At most 100 characters';
  if (/\p{Cc}/u.test(v)) return 'No control characters';
  return null;
}

/** Adds the annotator to the arguments of an editing command (unless the caller named one). */
export function withAnnotator(command: string, args: unknown): unknown {
  const who = storedAnnotator();
  if (!who || !ANNOTATED.has(command) || args === null || typeof args !== 'object') return args;
  if ('annotator' in (args as Record<string, unknown>)) return args;
  return { ...(args as Record<string, unknown>), annotator: who };
}

export function useAnnotator(): [string | null, (name: string) => void] {
  const [name, setName] = useState<string | null>(() => storedAnnotator());
  const set = useCallback((next: string) => {
    const v = next.trim();
    try {
      localStorage.setItem(KEY, v);
    } catch {
      // Private mode without storage: the name lasts for this page only.
    }
    setName(v);
  }, []);
  return [name, set];
}

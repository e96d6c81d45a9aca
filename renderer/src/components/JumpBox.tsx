/** "Go to" a window number or a date (UTC) in this set (state/jump.ts); the reason when there's none. */
import { useState, type FormEvent } from 'react';
import { findJumpTarget } from '../state/jump.ts';
import type { Workbench } from '../state/workbench.ts';

export function JumpBox({ wb }: { wb: Workbench }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = findJumpTarget(wb.windows, text);
    if ('error' in r) return setError(r.error);
    setError(null);
    setText('');
    // Back to the chart's keys ([ ] N U …) once the jump is made.
    (document.activeElement as HTMLElement | null)?.blur();
    wb.actions.goto(r.window);
  };
  return (
    <form className="jump" onSubmit={submit} data-testid="jump-form">
      <input
        type="text"
        value={text}
        placeholder="Go to # or date"
        aria-label="Go to a window number or a date (YYYY-MM-DD, UTC)"
        title="A window number (12) or a date, YYYY-MM-DD or YYYY-MM-DD HH:MM, UTC"
        onChange={(e) => setText(e.target.value)}
        aria-invalid={error ? true : undefined}
        data-testid="jump-input"
      />
      {error && (
        <span className="jump-error small" role="alert" data-testid="jump-error">
          {error}
        </span>
      )}
    </form>
  );
}

/**
 * Asked before a change that would contradict an overlapping, labelled window (N on a window
 * another window marked a span in, accepting a prediction that disagrees with a neighbour): names
 * each window and the bars, and lets the analyst go ahead or cancel (Esc).
 */
import { useEffect, useRef } from 'react';
import { formatBarTime } from '../chart/time-format.ts';
import type { PendingWarning } from '../state/workbench.ts';
import { windowIsIntraday } from '../state/window-name.ts';

export function ContradictionWarning({ warning, nameOf, onCancel }: { warning: PendingWarning; nameOf(id: number): string; onCancel(): void }) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <div
      className="overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby="contradiction-title"
      data-testid="contradiction-warning"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <div className="card dialog">
        <h2 id="contradiction-title">{warning.title}</h2>
        <p>
          This would contradict {warning.contradictions.length} overlapping labelled window{warning.contradictions.length === 1 ? '' : 's'} on the bars they
          share (a new open conflict each):
        </p>
        <ul className="small" data-testid="contradiction-list">
          {warning.contradictions.map((c) => {
            const intraday = windowIsIntraday(c.window);
            return (
              <li key={c.window.id}>
                <strong>{nameOf(c.window.id)}</strong> says <em>{c.theirs}</em> on {formatBarTime(c.fromTime, intraday)} → {formatBarTime(c.toTime, intraday)};
                this window would say <em>{c.ours}</em>.
              </li>
            );
          })}
        </ul>
        <div className="row">
          <button ref={confirmRef} className="btn primary" onClick={warning.proceed} data-testid="contradiction-proceed">
            {warning.confirmLabel}
          </button>
          <button className="btn" onClick={onCancel} data-testid="contradiction-cancel">
            Cancel (Esc)
          </button>
        </div>
      </div>
    </div>
  );
}

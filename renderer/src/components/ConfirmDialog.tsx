/**
 * A confirmation before something that can't be undone (deleting a window set or a run): what it
 * is, what goes with it, and two buttons. Esc or Cancel closes it; the safe button has the focus.
 */
import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}

export function ConfirmDialog({ title, children, confirmLabel, busy, onConfirm, onCancel, testId = 'confirm-dialog' }: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div
      className="overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby={`${testId}-title`}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="card dialog">
        <h2 id={`${testId}-title`}>{title}</h2>
        {children}
        <div className="row">
          <button className="btn danger" onClick={onConfirm} disabled={busy} data-testid="confirm-yes">
            {confirmLabel}
          </button>
          <button ref={cancelRef} className="btn" onClick={onCancel} data-testid="confirm-no">
            Cancel (Esc)
          </button>
        </div>
      </div>
    </div>
  );
}

/** The toasts (state/toasts.ts), bottom right, announced to screen readers. */
import { dismissToast, useToasts } from '../state/toasts.ts';

export function Toasts() {
  const list = useToasts();
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {list.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} data-testid="toast">
          <span className="toast-text">{t.text}</span>
          {t.action && (
            <button
              className="btn small"
              data-testid="toast-action"
              onClick={() => {
                dismissToast(t.id);
                t.action!.run();
              }}
            >
              {t.action.label}
            </button>
          )}
          <button className="icon-btn" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

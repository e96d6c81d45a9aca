/**
 * "Delete…" that asks first: a dry run tells what would go with the thing (the service counts it),
 * the dialog names that, and only the confirmation deletes. One flow for series, window sets and
 * runs; each caller says what to call and how to word the impact.
 */
import { useState, type ReactNode } from 'react';
import { toApiError } from '../api/errors.ts';
import { toast } from '../state/toasts.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

interface Props<Impact> {
  /** The dry run: what deleting would take with it. */
  impactOf(): Promise<Impact>;
  remove(): Promise<unknown>;
  /** Toast after the delete, e.g. "Deleted run 3". */
  done: string;
  onDeleted(): void;
  buttonTestId: string;
  buttonTitle: string;
  dialogTitle(impact: Impact): string;
  confirmLabel: string;
  dialogTestId: string;
  children(impact: Impact): ReactNode;
}

export function DeleteWithImpact<Impact>(p: Props<Impact>) {
  const [impact, setImpact] = useState<Impact | null>(null);
  const [busy, setBusy] = useState(false);
  const ask = async () => {
    try {
      setImpact(await p.impactOf());
    } catch (e) {
      toast(toApiError(e).message, { kind: 'warn' });
    }
  };
  const confirm = async () => {
    setBusy(true);
    try {
      await p.remove();
      toast(p.done);
      setImpact(null);
      p.onDeleted();
    } catch (e) {
      toast(toApiError(e).message, { kind: 'warn' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button className="btn small ghost danger" onClick={() => void ask()} data-testid={p.buttonTestId} title={p.buttonTitle}>
        Delete…
      </button>
      {impact !== null && (
        <ConfirmDialog
          title={p.dialogTitle(impact)}
          confirmLabel={p.confirmLabel}
          busy={busy}
          onConfirm={() => void confirm()}
          onCancel={() => setImpact(null)}
          testId={p.dialogTestId}
        >
          {p.children(impact)}
        </ConfirmDialog>
      )}
    </>
  );
}

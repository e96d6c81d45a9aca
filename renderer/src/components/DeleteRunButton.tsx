/** "Delete…" on a finished run's row: names what goes with it (epochs, predictions, review decisions), then deletes. */
import { useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError } from '../api/errors.ts';
import type { KnownResults } from '../api/types.ts';
import { toast } from '../state/toasts.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

type Impact = KnownResults['runs.delete']['impact'];

export function DeleteRunButton({ runId, onDeleted }: { runId: number; onDeleted(): void }) {
  const [impact, setImpact] = useState<Impact | null>(null);
  const [busy, setBusy] = useState(false);
  const ask = async () => {
    try {
      setImpact((await call('runs.delete', { runId, dryRun: true })).impact);
    } catch (e) {
      toast(toApiError(e).message, { kind: 'warn' });
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await call('runs.delete', { runId });
      toast(`Deleted run ${runId}`);
      setImpact(null);
      onDeleted();
    } catch (e) {
      toast(toApiError(e).message, { kind: 'warn' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button className="btn small ghost danger" onClick={() => void ask()} data-testid={`run-delete-${runId}`} title="Delete this run (asks first)">
        Delete…
      </button>
      {impact && (
        <ConfirmDialog title={`Delete run ${runId}?`} confirmLabel="Delete run" busy={busy} onConfirm={() => void remove()} onCancel={() => setImpact(null)} testId="delete-run-dialog">
          <p className="small" data-testid="delete-run-impact">
            Its report, {impact.epochs} epochs of curves, its model, {impact.predictions.toLocaleString()} stored predictions and {impact.reviewDecisions.toLocaleString()} review decisions go with it. Labels stay. This can’t be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

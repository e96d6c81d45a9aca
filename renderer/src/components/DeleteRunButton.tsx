/** "Delete…" on a finished run's row: names what goes with it (epochs, predictions, review decisions), then deletes. */
import { call } from '../api/client.ts';
import { DeleteWithImpact } from './DeleteWithImpact.tsx';

export function DeleteRunButton({ runId, onDeleted }: { runId: number; onDeleted(): void }) {
  return (
    <DeleteWithImpact
      impactOf={async () => (await call('runs.delete', { runId, dryRun: true })).impact}
      remove={() => call('runs.delete', { runId })}
      done={`Deleted run ${runId}`}
      onDeleted={onDeleted}
      buttonTestId={`run-delete-${runId}`}
      buttonTitle="Delete this run (asks first)"
      dialogTitle={() => `Delete run ${runId}?`}
      confirmLabel="Delete run"
      dialogTestId="delete-run-dialog"
    >
      {(impact) => (
        <p className="small" data-testid="delete-run-impact">
          Its report, {impact.epochs} epochs of curves, its model, {impact.predictions.toLocaleString()} stored predictions and{' '}
          {impact.reviewDecisions.toLocaleString()} review decisions go with it. Labels stay. This can’t be undone.
        </p>
      )}
    </DeleteWithImpact>
  );
}

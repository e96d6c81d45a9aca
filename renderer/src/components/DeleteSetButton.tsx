/** "Delete…" on a window set's row: asks the service what would go with it, names that, then deletes. */
import { call } from '../api/client.ts';
import { DeleteWithImpact } from './DeleteWithImpact.tsx';

export function DeleteSetButton({ setId, onDeleted }: { setId: number; onDeleted(): void }) {
  return (
    <DeleteWithImpact
      impactOf={async () => (await call('windows.deleteSet', { setId, dryRun: true })).impact}
      remove={() => call('windows.deleteSet', { setId })}
      done={`Deleted window set ${setId}`}
      onDeleted={onDeleted}
      buttonTestId={`delete-set-${setId}`}
      buttonTitle="Delete this window set (asks first, naming what goes with it)"
      dialogTitle={(impact) => `Delete window set ${setId} (${impact.seriesId})?`}
      confirmLabel="Delete set"
      dialogTestId="delete-set-dialog"
    >
      {(impact) => (
        <>
          <ul className="small" data-testid="delete-set-impact">
            <li>
              {impact.windows.toLocaleString()} windows, {impact.labelledWindows.toLocaleString()} of them labelled, with {impact.spans.toLocaleString()} spans:
              deleted, and their undo history with them
            </li>
            <li>{impact.openFindings.toLocaleString()} open conflicts involving its windows: deleted</li>
            <li>
              {impact.runs.length
                ? `runs trained on it (${impact.runs.map((r) => `#${r}`).join(', ')}) keep their reports, but can no longer be reviewed on this set`
                : 'no runs were trained on it'}
            </li>
          </ul>
          <p className="small muted">The series and its bars stay. This can’t be undone.</p>
        </>
      )}
    </DeleteWithImpact>
  );
}

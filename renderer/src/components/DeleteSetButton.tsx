/** "Delete…" on a window set's row: asks the service what would go with it, names that, then deletes. */
import { useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError } from '../api/errors.ts';
import type { KnownResults } from '../api/types.ts';
import { toast } from '../state/toasts.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

type Impact = KnownResults['windows.deleteSet']['impact'];

export function DeleteSetButton({ setId, onDeleted }: { setId: number; onDeleted(): void }) {
  const [impact, setImpact] = useState<Impact | null>(null);
  const [busy, setBusy] = useState(false);
  const ask = async () => {
    try {
      setImpact((await call('windows.deleteSet', { setId, dryRun: true })).impact);
    } catch (e) {
      toast(toApiError(e).message, { kind: 'warn' });
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await call('windows.deleteSet', { setId });
      toast(`Deleted window set ${setId}`);
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
      <button className="btn small ghost danger" onClick={() => void ask()} data-testid={`delete-set-${setId}`} title="Delete this window set (asks first, naming what goes with it)">
        Delete…
      </button>
      {impact && (
        <ConfirmDialog title={`Delete window set ${setId} (${impact.seriesId})?`} confirmLabel="Delete set" busy={busy} onConfirm={() => void remove()} onCancel={() => setImpact(null)} testId="delete-set-dialog">
          <ul className="small" data-testid="delete-set-impact">
            <li>{impact.windows.toLocaleString()} windows, {impact.labelledWindows.toLocaleString()} of them labelled, with {impact.spans.toLocaleString()} spans: deleted, and their undo history with them</li>
            <li>{impact.openFindings.toLocaleString()} open conflicts involving its windows: deleted</li>
            <li>{impact.runs.length ? `runs trained on it (${impact.runs.map((r) => `#${r}`).join(', ')}) keep their reports, but can no longer be reviewed on this set` : 'no runs were trained on it'}</li>
          </ul>
          <p className="small muted">The series and its bars stay. This can’t be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

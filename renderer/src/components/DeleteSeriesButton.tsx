/** "Delete…" on a series' row: names its bars and every window set cut from it (with their labels and runs), then deletes. */
import { useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError } from '../api/errors.ts';
import type { KnownResults } from '../api/types.ts';
import { toast } from '../state/toasts.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

type Impact = KnownResults['series.delete']['impact'];

export function DeleteSeriesButton({ seriesId, onDeleted }: { seriesId: string; onDeleted(): void }) {
  const [impact, setImpact] = useState<Impact | null>(null);
  const [busy, setBusy] = useState(false);
  const ask = async () => {
    try {
      setImpact((await call('series.delete', { seriesId, dryRun: true })).impact);
    } catch (e) {
      toast(toApiError(e).message, { kind: 'warn' });
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await call('series.delete', { seriesId });
      toast(`Deleted series ${seriesId}`);
      setImpact(null);
      onDeleted();
    } catch (e) {
      toast(toApiError(e).message, { kind: 'warn' });
    } finally {
      setBusy(false);
    }
  };
  const spans = impact?.sets.reduce((n, s) => n + s.spans, 0) ?? 0;
  const runs = [...new Set(impact?.sets.flatMap((s) => s.runs) ?? [])];
  return (
    <>
      <button className="btn small ghost danger" onClick={() => void ask()} data-testid={`delete-series-${seriesId}`} title="Delete this series (asks first, naming what goes with it)">
        Delete…
      </button>
      {impact && (
        <ConfirmDialog title={`Delete series ${seriesId}?`} confirmLabel="Delete series" busy={busy} onConfirm={() => void remove()} onCancel={() => setImpact(null)} testId="delete-series-dialog">
          <ul className="small" data-testid="delete-series-impact">
            <li>{impact.bars.toLocaleString()} bars</li>
            <li>
              {impact.sets.length} window set{impact.sets.length === 1 ? '' : 's'} cut from it
              {impact.sets.length ? ` (${impact.sets.map((s) => `#${s.setId}`).join(', ')}), with ${spans.toLocaleString()} spans and their conflicts` : ''}
            </li>
            {runs.length > 0 && <li>runs trained on them ({runs.map((r) => `#${r}`).join(', ')}) keep their reports but can no longer be reviewed</li>}
          </ul>
          <p className="small muted">This can’t be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** "Delete…" on a series' row: names its bars and every window set cut from it (with their labels and runs), then deletes. */
import { call } from '../api/client.ts';
import { DeleteWithImpact } from './DeleteWithImpact.tsx';

export function DeleteSeriesButton({ seriesId, onDeleted }: { seriesId: string; onDeleted(): void }) {
  return (
    <DeleteWithImpact
      impactOf={async () => (await call('series.delete', { seriesId, dryRun: true })).impact}
      remove={() => call('series.delete', { seriesId })}
      done={`Deleted series ${seriesId}`}
      onDeleted={onDeleted}
      buttonTestId={`delete-series-${seriesId}`}
      buttonTitle="Delete this series (asks first, naming what goes with it)"
      dialogTitle={() => `Delete series ${seriesId}?`}
      confirmLabel="Delete series"
      dialogTestId="delete-series-dialog"
    >
      {(impact) => {
        const spans = impact.sets.reduce((n, s) => n + s.spans, 0);
        const runs = [...new Set(impact.sets.flatMap((s) => s.runs))];
        return (
          <>
            <ul className="small" data-testid="delete-series-impact">
              <li>{impact.bars.toLocaleString()} bars</li>
              <li>
                {impact.sets.length} window set{impact.sets.length === 1 ? '' : 's'} cut from it
                {impact.sets.length ? ` (${impact.sets.map((s) => `#${s.setId}`).join(', ')}), with ${spans.toLocaleString()} spans and their conflicts` : ''}
              </li>
              {runs.length > 0 && <li>runs trained on them ({runs.map((r) => `#${r}`).join(', ')}) keep their reports but can no longer be reviewed</li>}
            </ul>
            <p className="small muted">This can’t be undone.</p>
          </>
        );
      }}
    </DeleteWithImpact>
  );
}

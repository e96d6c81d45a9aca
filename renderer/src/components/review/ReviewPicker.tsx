/**
 * "Review [#N soft ▾]": turns review mode on for a completed run, or off. At the top of the workbench's
 * sidebar (the entry when off, the review panel's header when on).
 */
import type { RunSummary } from '../../api/types.ts';
import './review.css';

interface Props {
  runId: number | null;
  runs: RunSummary[] | null;
  onPick(runId: number | null): void;
  /** Label text before the select. */
  label?: string;
}

export function ReviewPicker({ runId, runs, onPick, label = 'Review' }: Props) {
  const none = runs != null && runs.length === 0;
  // A run named in the address bar that isn't (or no longer) completed still shows as picked.
  const listed = runId == null || runs == null || runs.some((r) => r.id === runId);
  return (
    <label
      className={'review-picker' + (runId != null ? ' on' : '')}
      title={none ? 'Train a model first (▶ Train): its predictions can then be reviewed here' : 'Show a trained run’s predictions next to the labels'}
    >
      <span className="review-picker-label">{label}</span>
      <select
        value={runId ?? ''}
        onChange={(e) => {
          onPick(e.target.value ? Number(e.target.value) : null);
          // Hand the keys back to the workbench (a focused select keeps them).
          e.target.blur();
        }}
        disabled={none && runId == null}
        data-testid="review-run-picker"
      >
        <option value="">{none ? 'no completed runs yet' : runId == null ? 'pick a run…' : 'off'}</option>
        {!listed && <option value={runId!}>run #{runId}</option>}
        {(runs ?? []).map((r) => (
          <option key={r.id} value={r.id}>
            {`run #${r.id} · ${r.model}` + (r.spanF1 != null ? ` · F1 ${r.spanF1.toFixed(2)}` : '')}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The way into review mode when it is off: the picker at the top of the sidebar. */
export function ReviewEntry({ runs, onPick }: { runs: RunSummary[] | null; onPick(runId: number): void }) {
  return (
    <section className="panel review-entry" data-testid="review-entry">
      <ReviewPicker runId={null} runs={runs} onPick={(id) => id != null && onPick(id)} label="Review predictions" />
      {runs != null && runs.length === 0 && (
        <p className="muted small review-entry-hint">Train a model (▶ Train) to see its predictions over the labels here.</p>
      )}
    </section>
  );
}

/**
 * Bulk accept in the review panel (issue #14): every predicted span scoring at least the chosen
 * score, on this set's unlabelled windows, becomes an (unconfirmed) accepted label — one undo step
 * (review.acceptAbove). The button says how many windows and spans first (a dry run), so nothing is
 * accepted blind; the toast after it offers Undo. Windows already labelled are never touched.
 */
import { useEffect, useState } from 'react';
import { call } from '../../api/client.ts';
import { toApiError, type ApiError } from '../../api/errors.ts';
import type { Change } from '../../api/types.ts';
import { toast } from '../../state/toasts.ts';
import { ErrorBox } from '../ErrorBox.tsx';

/** `onChange`: the workbench's applyChange (this page skips its own events, so the change is handed over). */
export function BulkAccept({ runId, setId, seq, onChange }: { runId: number; setId: number; seq: number; onChange: (change: Change) => void }) {
  const [minScore, setMinScore] = useState(0.8);
  const [count, setCount] = useState<{ windows: number; spans: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  // What the button would do now (re-counted when the score, the run or the review state changes).
  useEffect(() => {
    let live = true;
    setCount(null);
    call('review.acceptAbove', { runId, setId, minScore, dryRun: true }).then(
      (r) => live && setCount({ windows: r.windowIds.length, spans: r.spans }),
      (e: unknown) => live && setError(toApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [runId, setId, minScore, seq]);

  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('review.acceptAbove', { runId, setId, minScore });
      onChange(r.change);
      const conflicts = r.newConflicts ? ` · ${r.newConflicts} new open conflict${r.newConflicts === 1 ? '' : 's'} with overlapping labelled windows` : '';
      toast(
        `Accepted ${r.spans} span${r.spans === 1 ? '' : 's'} scoring ≥ ${minScore} on ${r.windowIds.length} window${r.windowIds.length === 1 ? '' : 's'} (unconfirmed)${conflicts}`,
        {
          kind: r.newConflicts ? 'warn' : 'ok',
          action: {
            label: 'Undo',
            run: () =>
              void call('labels.undo', {})
                .then((u) => onChange(u.change))
                .catch((e: unknown) => toast(toApiError(e).message, { kind: 'warn' })),
          },
        },
      );
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="bulk-accept" data-testid="bulk-accept">
      <label className="small" title="A predicted span's score: how sure the model is of it (0–1)">
        Accept spans scoring ≥{' '}
        <input
          type="number"
          min={0}
          max={1}
          step={0.05}
          value={minScore}
          onChange={(e) => e.target.value !== '' && Number.isFinite(Number(e.target.value)) && setMinScore(Math.min(1, Math.max(0, Number(e.target.value))))}
          data-testid="bulk-accept-score"
          aria-label="Minimum span score"
        />
      </label>
      <button
        className="btn small"
        disabled={busy || !count || count.windows === 0}
        onClick={() => void accept()}
        data-testid="bulk-accept-button"
        title="On the unlabelled windows of this set only; one undo step"
      >
        {count
          ? `Accept on ${count.windows} unlabelled window${count.windows === 1 ? '' : 's'} (${count.spans} span${count.spans === 1 ? '' : 's'})`
          : 'Counting…'}
      </button>
      <ErrorBox error={error} onDismiss={() => setError(null)} testId="bulk-accept-error" />
    </div>
  );
}

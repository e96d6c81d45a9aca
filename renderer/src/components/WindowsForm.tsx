/** Cuts a series into windows (windows.create): length, stride and the train/validation split. */
import { useState, type FormEvent } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { SeriesInfo, WindowSetInfo } from '../api/types.ts';
import { ErrorBox } from './ErrorBox.tsx';

export function WindowsForm({ series, sets = [], onCreated }: { series: SeriesInfo[]; sets?: WindowSetInfo[]; onCreated(set: WindowSetInfo): void }) {
  const [seriesId, setSeriesId] = useState('');
  const [length, setLength] = useState(128);
  const [stride, setStride] = useState(64);
  const [split, setSplit] = useState<'chronological' | 'random'>('chronological');
  const [valFraction, setValFraction] = useState(0.2);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDuplicate, setConfirmDuplicate] = useState<number | null>(null);
  // Until the analyst picks one: the newest series (the one just imported), not the first.
  const newest = series.reduce<SeriesInfo | undefined>((a, s) => (!a || s.createdAt > a.createdAt ? s : a), undefined);
  const chosen = (series.some((s) => s.id === seriesId) ? seriesId : '') || newest?.id || '';
  const duplicate = sets.find(
    (s) =>
      s.seriesId === chosen &&
      s.origin === 'cut' &&
      s.length === length &&
      s.stride === stride &&
      s.split === split &&
      Math.abs(s.valFraction - valFraction) < 1e-9,
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // The same cut twice is almost always a slip: ask once, naming the set that exists.
    if (duplicate && confirmDuplicate !== duplicate.id) {
      setConfirmDuplicate(duplicate.id);
      return;
    }
    setConfirmDuplicate(null);
    setBusy(true);
    try {
      const set = await call('windows.create', { seriesId: chosen, length, stride, split, valFraction });
      setError(null);
      onCreated(set);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} data-testid="windows-form">
      <h2>Create windows</h2>
      <div className="form-grid">
        <label>
          Series
          <select value={chosen} onChange={(e) => setSeriesId(e.target.value)} data-testid="windows-series">
            {series.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Length (bars)
          <input type="number" min={8} max={100000} value={length} onChange={(e) => setLength(Number(e.target.value))} data-testid="windows-length" />
        </label>
        <label>
          Stride
          <input type="number" min={1} max={100000} value={stride} onChange={(e) => setStride(Number(e.target.value))} data-testid="windows-stride" />
        </label>
        <label>
          Split
          <select value={split} onChange={(e) => setSplit(e.target.value as 'chronological' | 'random')} data-testid="windows-split">
            <option value="chronological">chronological</option>
            <option value="random">random</option>
          </select>
        </label>
        <label>
          Validation share
          <input type="number" min={0} max={0.9} step={0.05} value={valFraction} onChange={(e) => setValFraction(Number(e.target.value))} />
        </label>
      </div>
      <div className="row">
        <button className="btn primary" type="submit" disabled={busy || !chosen} data-testid="windows-create">
          {busy ? 'Creating…' : 'Create windows'}
        </button>
        {series.length === 0 && <span className="muted">Import a series first.</span>}
      </div>
      {duplicate && confirmDuplicate === duplicate.id && (
        <p className="warnings small" data-testid="windows-duplicate">
          Window set {duplicate.id} already cuts {chosen} into {length}-bar windows every {stride} bars ({split}). Press “Create windows” again to make a
          second, identical set.
        </p>
      )}
      <ErrorBox error={error} onDismiss={() => setError(null)} testId="windows-error" />
    </form>
  );
}

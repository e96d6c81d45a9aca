/**
 * Series export and resampling in the app (issue 13): download a series as a clean
 * time,open,high,low,close[,volume] CSV (series.exportText; also how a user checks an import), and
 * aggregate it into coarser bars as a new series (series.resample: UTC buckets, or session days in
 * a time zone for daily bars). Shown inside the import card.
 */
import { useCallback, useEffect, useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { SeriesInfo } from '../api/types.ts';
import { useServiceEvents } from '../state/events.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { downloadText } from './download.ts';

const SIZES = ['1m', '5m', '15m', '30m', '1h', '2h', '4h', '1d'] as const;

export function SeriesTools() {
  const [series, setSeries] = useState<SeriesInfo[]>([]);
  const [selected, setSelected] = useState('');
  const [to, setTo] = useState<(typeof SIZES)[number]>('1h');
  const [as, setAs] = useState('');
  const [sessionTz, setSessionTz] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const refresh = useCallback(() => {
    void call('series.list', {}).then((list) => {
      setSeries(list);
      setSelected((s) => (s && list.some((x) => x.id === s) ? s : (list[0]?.id ?? '')));
    });
  }, []);
  useEffect(refresh, [refresh]);
  useServiceEvents(['series.changed'], refresh);

  if (series.length === 0) return null;

  const exportCsv = async () => {
    setError(null);
    try {
      const r = await call('series.exportText', { seriesId: selected });
      downloadText(`${selected}.csv`, r.text, 'text/csv');
      setNotice(`Exported ${selected}: ${r.barCount.toLocaleString()} bars`);
    } catch (e) {
      setError(toApiError(e));
    }
  };

  const resample = async () => {
    setError(null);
    try {
      const id = as.trim() || `${selected}_${to}`;
      const r = await call('series.resample', { seriesId: selected, to, as: id, sessionTz: sessionTz.trim() || undefined });
      setNotice(`Resampled ${selected} to ${to}: series ${r.series.id} with ${r.series.barCount.toLocaleString()} bars`);
    } catch (e) {
      setError(toApiError(e));
    }
  };

  return (
    <details className="series-tools" data-testid="series-tools">
      <summary>Export or resample a series</summary>
      <div className="row">
        <select data-testid="tools-series" value={selected} onChange={(e) => setSelected(e.target.value)}>
          {series.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id}
            </option>
          ))}
        </select>
        <button className="btn" data-testid="export-series" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <div className="row">
        <label>
          to{' '}
          <select data-testid="resample-to" value={to} onChange={(e) => setTo(e.target.value as (typeof SIZES)[number])}>
            {SIZES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          as <input data-testid="resample-as" placeholder={`${selected}_${to}`} value={as} onChange={(e) => setAs(e.target.value)} size={14} />
        </label>
        {to === '1d' && (
          <label>
            session zone <input data-testid="resample-tz" placeholder="UTC" value={sessionTz} onChange={(e) => setSessionTz(e.target.value)} size={16} />
          </label>
        )}
        <button className="btn" data-testid="resample-series" onClick={() => void resample()}>
          Resample
        </button>
      </div>
      {notice && (
        <p className="ok" data-testid="series-tools-ok">
          {notice}
        </p>
      )}
      <ErrorBox error={error} onDismiss={() => setError(null)} testId="series-tools-error" />
    </details>
  );
}

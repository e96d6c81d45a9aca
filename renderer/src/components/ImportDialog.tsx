/**
 * The import dialog: what the importer made of a file, before anything is written. It shows the
 * first rows as a table with each column's role (editable: a headerless file asks for them), the
 * time format, day/month order and zone, the detected issues and notes, and a small candlestick
 * chart of the parsed bars. Import runs with the settings chosen here (stored with the series);
 * a large import shows progress and can be cancelled, and a cancelled or failed import writes nothing.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { call } from '../api/client.ts';
import { ApiError, toApiError } from '../api/errors.ts';
import type { ImportPreview, ImportSettings, SeriesInfo } from '../api/types.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import type { useProgress } from '../state/progress.ts';

const ROLES = ['skip', 'time', 'date', 'clock', 'open', 'high', 'low', 'close', 'volume'] as const;
/** Enough text for the preview's rows without sending a whole large file on every change. */
const PREVIEW_CHARS = 256 * 1024;

interface Props {
  fileName: string;
  text: string;
  replace: boolean;
  progress: ReturnType<typeof useProgress>;
  onImported(series: SeriesInfo, warnings: string[]): void;
  onClose(): void;
}

/** The text up to the last whole line within PREVIEW_CHARS. */
function head(text: string): string {
  if (text.length <= PREVIEW_CHARS) return text;
  const cut = text.lastIndexOf('\n', PREVIEW_CHARS);
  return text.slice(0, cut > 0 ? cut + 1 : PREVIEW_CHARS);
}

/** Roles the detection gave each column (or the suggestion in its "no header" message). */
function rolesOf(p: ImportPreview | null, width: number): string[] {
  if (p?.detected && p.detected.columns.length > 0) {
    return Array.from({ length: width }, (_, i) => {
      const r = p.detected!.columns[i]?.role ?? 'skip';
      return r === 'ignored' || r === 'time-check' ? 'skip' : r;
    });
  }
  const m = /--columns ([a-z,]+)/.exec(p?.issues.map((i) => i.message).join('\n') ?? '');
  const suggested = m ? m[1].split(',') : [];
  return Array.from({ length: width }, (_, i) => (suggested[i] === 'time' && suggested.includes('date') ? 'clock' : suggested[i]) ?? 'skip');
}

export function ImportDialog({ fileName, text, replace, progress, onImported, onClose }: Props) {
  const [settings, setSettings] = useState<ImportSettings>({});
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [roles, setRoles] = useState<string[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [importing, setImporting] = useState(false);
  const [cancelled, setCancelled] = useState(false);
  // A fresh id per import (runImport), so a Cancel always names the import in flight.
  const importId = useRef('');
  const sample = useMemo(() => head(text), [text]);

  useEffect(() => {
    let live = true;
    call('series.preview', { fileName, text: sample, settings, rows: 200 })
      .then((p) => {
        if (!live) return;
        setPreview(p);
        setError(null);
      })
      .catch((e: unknown) => live && setError(toApiError(e)));
    return () => {
      live = false;
    };
  }, [fileName, sample, settings]);

  const width = preview ? Math.max(0, ...preview.table.map((r) => r.length)) : 0;
  const shownRoles = roles ?? rolesOf(preview, width);
  const d = preview?.detected ?? null;
  const needsMapping = d !== null && !d.header && settings.columns === undefined;

  const setRole = (i: number, role: string) => {
    const next = [...shownRoles];
    next[i] = role;
    setRoles(next);
  };
  // date + clock columns are written "date,time" in --columns terms.
  const applyRoles = () => setSettings((s) => ({ ...s, columns: shownRoles.map((r) => (r === 'clock' ? 'time' : r)) }));

  const runImport = async () => {
    importId.current = `import-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
    setImporting(true);
    setError(null);
    setCancelled(false);
    progress.begin('import', `importing ${fileName}`);
    try {
      const r = await call('series.importText', { fileName, text, replace, settings, importId: importId.current });
      onImported(r.series, r.warnings);
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'cancelled') setCancelled(true);
      else setError(err);
    } finally {
      progress.end('import');
      setImporting(false);
    }
  };

  const importingRef = useRef(false);
  importingRef.current = importing;
  const cancel = () => {
    if (!importing) return onClose();
    // The cancel can overtake the import request itself (it is still uploading): the service keeps
    // it and cancels the import when it arrives. Asked again only if the service had no answer yet.
    const ask = (tries: number) =>
      void call('series.cancelImport', { importId: importId.current }).then((r) => {
        if (!r.cancelled && importingRef.current && tries > 0) setTimeout(() => ask(tries - 1), 200);
      });
    ask(50);
  };

  const task = progress.tasks.find((t) => t.task === 'import');
  const previewError =
    preview && !preview.ok
      ? new ApiError({
          code: 'import-failed',
          message: `${fileName}: ${preview.totalIssues} problem(s) in the first rows; nothing will be imported until they are fixed`,
          issues: preview.issues,
        })
      : null;

  return (
    <div className="overlay" data-testid="import-dialog">
      <div className="dialog import-dialog" role="dialog" aria-label={`Import ${fileName}`}>
        <div className="dialog-head">
          <h2>Import {fileName}</h2>
          <button className="icon-btn" onClick={cancel} aria-label="Close">
            ×
          </button>
        </div>
        {d && (
          <dl className="detected" data-testid="detected">
            <dt>Separator</dt>
            <dd data-testid="detected-delimiter">{d.delimiter === '\t' ? 'tab' : d.delimiter}</dd>
            <dt>Decimal</dt>
            <dd>{d.decimal}</dd>
            <dt>Header</dt>
            <dd data-testid="detected-header">{d.header ? 'yes' : 'no: the first line is data'}</dd>
            <dt>Time</dt>
            <dd data-testid="detected-time">
              {d.timeFormat}
              {d.dateOrder ? ` (${d.dateOrder === 'dmy' ? 'day first' : d.dateOrder === 'mdy' ? 'month first' : 'year first'})` : ''} in {d.timeZone}
            </dd>
            <dt>Rows</dt>
            <dd>{d.rowOrder}</dd>
            <dt>Volume</dt>
            <dd>{d.volume || '—'}</dd>
          </dl>
        )}
        {d && d.notes.length > 0 && (
          <ul className="notes" data-testid="detected-notes">
            {d.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        )}
        {needsMapping && (
          <p className="warn" data-testid="needs-mapping">
            This file has no header. Choose what each column holds, then apply.
          </p>
        )}
        <div className="row settings">
          <label>
            Day/month order{' '}
            <select
              data-testid="date-order"
              value={settings.dateOrder ?? ''}
              onChange={(e) => setSettings((s) => ({ ...s, dateOrder: (e.target.value || undefined) as ImportSettings['dateOrder'] }))}
            >
              <option value="">detect</option>
              <option value="dmy">day first</option>
              <option value="mdy">month first</option>
              <option value="ymd">year first</option>
            </select>
          </label>
          <label>
            Time format{' '}
            <input
              data-testid="time-format"
              placeholder="detect"
              size={18}
              onBlur={(e) => setSettings((s) => ({ ...s, timeFormat: e.target.value.trim() || undefined }))}
            />
          </label>
          <label>
            Decimal{' '}
            <select
              data-testid="decimal"
              value={settings.decimal ?? ''}
              onChange={(e) => setSettings((s) => ({ ...s, decimal: (e.target.value || undefined) as ImportSettings['decimal'] }))}
            >
              <option value="">detect</option>
              <option value=".">.</option>
              <option value=",">,</option>
            </select>
          </label>
          <label>
            Skip lines{' '}
            <input
              data-testid="skip"
              placeholder="detect"
              size={4}
              onBlur={(e) => setSettings((s) => ({ ...s, skip: e.target.value.trim() ? Number(e.target.value) : undefined }))}
            />
          </label>
          <label>
            Time zone{' '}
            <input
              data-testid="tz"
              placeholder="UTC"
              defaultValue={settings.tz ?? ''}
              onBlur={(e) => setSettings((s) => ({ ...s, tz: e.target.value.trim() || undefined }))}
              size={16}
            />
          </label>
          <label>
            Price scale{' '}
            <input
              data-testid="price-scale"
              placeholder="1"
              size={8}
              onBlur={(e) => setSettings((s) => ({ ...s, priceScale: e.target.value.trim() ? Number(e.target.value) : undefined }))}
            />
          </label>
        </div>
        {preview && preview.table.length > 0 && (
          <div className="preview-table-wrap">
            <table className="preview-table" data-testid="preview-table">
              <thead>
                <tr>
                  {shownRoles.map((r, i) => (
                    <th key={i}>
                      <select data-testid={`role-${i}`} value={r} onChange={(e) => setRole(i, e.target.value)}>
                        {ROLES.map((x) => (
                          <option key={x} value={x}>
                            {x}
                          </option>
                        ))}
                      </select>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.table.slice(0, 12).map((row, i) => (
                  <tr key={i}>
                    {Array.from({ length: width }, (_, j) => (
                      <td key={j}>{row[j] ?? ''}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <button className="btn" data-testid="apply-roles" onClick={applyRoles}>
              Apply column roles
            </button>
          </div>
        )}
        {preview?.ok && <MiniCandles bars={preview.bars} />}
        <ErrorBox error={previewError} testId="import-error" />
        <ErrorBox error={error} onDismiss={() => setError(null)} testId="import-error" />
        {cancelled && (
          <p className="warn" data-testid="import-cancelled">
            Import cancelled; nothing was written.
          </p>
        )}
        {task && importing && <ProgressBar task={task} />}
        <div className="row">
          <button className="btn primary" data-testid="dialog-import" disabled={!preview?.ok || importing} onClick={() => void runImport()}>
            Import
          </button>
          <button className="btn" data-testid="dialog-cancel" onClick={cancel}>
            {importing ? 'Cancel import' : 'Close'}
          </button>
        </div>
      </div>
    </div>
  );
}

/** The parsed bars as a small candlestick chart, so a wrong column or scale shows at a glance. */
function MiniCandles({ bars }: { bars: ImportPreview['bars'] }) {
  const n = bars.time.length;
  if (n === 0) return null;
  const W = 560;
  const H = 120;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, bars.low[i]);
    hi = Math.max(hi, bars.high[i]);
  }
  const y = (v: number) => (hi === lo ? H / 2 : H - 4 - ((v - lo) / (hi - lo)) * (H - 8));
  const step = W / n;
  return (
    <svg
      className="mini-candles"
      data-testid="preview-chart"
      data-bars={n}
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`${n} parsed bars`}
    >
      {Array.from({ length: n }, (_, i) => {
        const x = i * step + step / 2;
        const up = bars.close[i] >= bars.open[i];
        const top = y(Math.max(bars.open[i], bars.close[i]));
        const bottom = y(Math.min(bars.open[i], bars.close[i]));
        return (
          <g key={i} stroke={up ? '#26a69a' : '#ef5350'} fill={up ? '#26a69a' : '#ef5350'}>
            <line x1={x} x2={x} y1={y(bars.high[i])} y2={y(bars.low[i])} />
            <rect x={x - Math.max(0.5, step * 0.35)} width={Math.max(1, step * 0.7)} y={top} height={Math.max(1, bottom - top)} />
          </g>
        );
      })}
    </svg>
  );
}

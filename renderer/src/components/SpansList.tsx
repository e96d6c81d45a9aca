/**
 * Every span of a window set in one table (issue #14): window (its number in the set and first bar),
 * type, first and last bar, confidence, who and how, and the span's note; "with notes only" and a
 * text filter over notes. A row opens its window in the labelling view. Opened from Home's set row.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { Label, WindowInfo } from '../api/types.ts';
import { formatBarTime } from '../chart/time-format.ts';
import { windowIsIntraday, windowShortName } from '../state/window-name.ts';
import { ErrorBox } from './ErrorBox.tsx';

interface Row {
  label: Label;
  window: WindowInfo;
  index: number;
}

export function SpansList({
  setId,
  title,
  total,
  onOpenWindow,
  onClose,
}: {
  setId: number;
  title: string;
  total: number;
  onOpenWindow(windowId: number): void;
  onClose(): void;
}) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notesOnly, setNotesOnly] = useState(false);
  const [query, setQuery] = useState('');
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);

  useEffect(() => {
    let live = true;
    Promise.all([call('windows.list', { setId }), call('labels.list', { setId })]).then(
      ([windows, labels]) => {
        if (!live) return;
        const place = new Map(windows.map((w, i) => [w.id, { w, i }]));
        const list = labels.flatMap((l) => {
          const p = place.get(l.windowId);
          return p ? [{ label: l, window: p.w, index: p.i }] : [];
        });
        list.sort((a, b) => a.label.startTime - b.label.startTime || a.index - b.index);
        setRows(list);
      },
      (e: unknown) => live && setError(toApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [setId]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (rows ?? []).filter((r) => (!notesOnly || r.label.note.trim() !== '') && (!q || r.label.note.toLowerCase().includes(q)));
  }, [rows, notesOnly, query]);

  return (
    <div
      className="overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby="spans-list-title"
      data-testid="spans-list"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="card dialog spans-dialog">
        <div className="dialog-head">
          <h2 id="spans-list-title">Spans · {title}</h2>
          <button ref={closeRef} className="icon-btn" onClick={onClose} aria-label="Close" data-testid="spans-list-close">
            ×
          </button>
        </div>
        <div className="row small">
          <label>
            <input type="checkbox" checked={notesOnly} onChange={(e) => setNotesOnly(e.target.checked)} data-testid="spans-notes-only" /> with notes only
          </label>
          <input placeholder="search notes" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search notes" data-testid="spans-search" />
          <span className="muted" data-testid="spans-count">
            {rows ? `${shown.length} of ${rows.length} span${rows.length === 1 ? '' : 's'}` : 'Loading…'}
          </span>
        </div>
        <ErrorBox error={error} testId="spans-error" />
        {rows && (
          <div className="table-scroll spans-table-wrap">
            <table className="table" data-testid="spans-table">
              <thead>
                <tr>
                  <th>Window</th>
                  <th>Type</th>
                  <th>First bar</th>
                  <th>Last bar</th>
                  <th className="num">Conf.</th>
                  <th>By</th>
                  <th>Note</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => {
                  const intraday = windowIsIntraday(r.window);
                  return (
                    <tr
                      key={r.label.id}
                      className="clickable"
                      tabIndex={0}
                      onClick={() => onOpenWindow(r.window.id)}
                      onKeyDown={(e) => e.key === 'Enter' && onOpenWindow(r.window.id)}
                      data-testid="spans-row"
                      data-window-id={r.window.id}
                      title="Open this window"
                    >
                      <td>{windowShortName(r.window, { index: r.index, total })}</td>
                      <td>{r.label.type}</td>
                      <td>{formatBarTime(r.label.startTime, intraday)}</td>
                      <td>{formatBarTime(r.label.endTime, intraday)}</td>
                      <td className="num">{r.label.confidence.toFixed(2)}</td>
                      <td className="small">
                        {r.label.author} <span className="muted">({r.label.origin})</span>
                      </td>
                      <td className="span-note" data-testid="spans-note">
                        {r.label.note}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}

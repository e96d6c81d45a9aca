/**
 * Review mode's sidebar: the run under review, counts per status as filter chips, the window on
 * screen (status, decision, every label↔prediction match in words, Accept / Reject), the filtered
 * window list, and the "least sure" queue of unlabelled windows to label next.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Label, ReviewMatch, ReviewSpan, ReviewStatus, ReviewWindowRow } from '../../api/types.ts';
import { formatBarTime } from '../../chart/time-format.ts';
import { indexOfTime } from '../../state/bars-cache.ts';
import { STATUS_ORDER, STATUS_TEXT, type Review, type ReviewFilter } from '../../state/review.ts';
import type { Workbench } from '../../state/workbench.ts';
import { ErrorBox } from '../ErrorBox.tsx';
import { ProgressBar } from '../ProgressBar.tsx';
import { ReviewPicker } from './ReviewPicker.tsx';
import { BulkAccept } from './BulkAccept.tsx';
import './review.css';

interface Props {
  review: Review;
  wb: Workbench;
  colorOf(type: string): string;
  /** Another run, or null to leave review mode. */
  onPick(runId: number | null): void;
}

export function ReviewPanel({ review, wb, colorOf, onPick }: Props) {
  const { summary, detail, row, actions, progress, error } = review;
  return (
    <section className="panel review-panel" data-testid="review-panel" data-review-seq={review.seq} data-run-id={review.runId ?? ''}>
      <div className="review-head">
        <ReviewPicker runId={review.runId} runs={review.runs} onPick={onPick} />
        {summary && (
          <span
            className="chip"
            title={summary.head === 'crf' ? 'CRF head: spans from the Viterbi path' : `Soft head: spans where P(span) ≥ ${summary.threshold.toFixed(2)}`}
          >
            {summary.head === 'crf' ? 'CRF' : 'soft'}
          </span>
        )}
        <button className="btn ghost small" onClick={() => onPick(null)} data-testid="review-leave" title="Back to plain labelling">
          Leave
        </button>
      </div>

      {!summary && !error && (
        <div data-testid="review-loading">
          <ProgressBar task={{ task: 'review', fraction: progress?.fraction ?? null, message: progress?.message ?? 'Predicting every window of the set…' }} />
        </div>
      )}
      <ErrorBox error={error} onDismiss={actions.dismissError} testId="review-error" />
      {error && (
        <div className="row">
          <button className="btn small" onClick={actions.retry}>
            Try again
          </button>
        </div>
      )}

      {summary && (
        <>
          <StatusChips review={review} />
          {review.runId != null && <BulkAccept runId={review.runId} setId={summary.setId} seq={review.seq} onChange={wb.actions.applyChange} />}
          <CurrentWindow review={review} wb={wb} colorOf={colorOf} />
          <WindowList
            title={<>Windows {review.filter ? <span className="muted">· {review.filter}</span> : null}</>}
            rows={review.filtered}
            current={row?.windowId ?? null}
            onOpen={actions.gotoWindow}
            testId="review-list"
            empty="No window has this status."
          />
          <div className="review-queue-head">
            <h3>
              Least sure <span className="muted">· label next</span>
            </h3>
            <span className="muted small">
              <kbd>Q</kbd> next
            </span>
          </div>
          {review.queue.length === 0 ? (
            <p className="muted small" data-testid="review-queue-empty">
              Every window is labelled or decided: nothing the model is unsure about is waiting.
            </p>
          ) : (
            <ol className="review-queue" data-testid="review-queue">
              {review.queue.map((r, i) => (
                <li key={r.windowId}>
                  <button
                    className={'review-row' + (r.windowId === row?.windowId ? ' current' : '')}
                    onClick={() => actions.gotoWindow(r.windowId)}
                    data-testid="review-queue-item"
                    data-window-id={r.windowId}
                    data-uncertainty={r.uncertainty.toFixed(3)}
                  >
                    <span className="review-rank">{i + 1}</span>
                    <span className="review-row-name">Window {r.index + 1}</span>
                    <span className="muted small">{r.predicted.length ? `${r.predicted.length} predicted` : 'none predicted'}</span>
                    <span className="spacer" />
                    <Uncertainty value={r.uncertainty} />
                  </button>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      {detail && !row && summary && <p className="muted small">This window is not in the reviewed set.</p>}
    </section>
  );
}

function StatusChips({ review }: { review: Review }) {
  const { summary, filter, actions } = review;
  if (!summary) return null;
  const chip = (key: ReviewFilter, label: string, count: number, title: string) => (
    <button
      key={String(key)}
      className={'status-chip' + (key ? ` st-${key}` : '') + (filter === key ? ' active' : '')}
      aria-pressed={filter === key}
      onClick={() => actions.setFilter(filter === key ? null : key)}
      title={title}
      data-testid={`review-chip-${key ?? 'all'}`}
      data-count={count}
    >
      <span className="status-dot" />
      {label}
      <span className="status-count">{count}</span>
    </button>
  );
  return (
    <div className="status-chips" data-testid="review-counts">
      {chip(null, 'all', summary.windows.length, 'Every window of the set')}
      {STATUS_ORDER.map((s) => chip(s, STATUS_TEXT[s].label, summary.counts[s], `${summary.counts[s]} window(s): ${STATUS_TEXT[s].help}`))}
      {chip('decided', 'decided', summary.decided, 'Windows whose prediction was accepted or rejected')}
    </div>
  );
}

function StatusBadge({ status }: { status: ReviewStatus }) {
  return (
    <span className={`status-badge st-${status}`} data-testid="review-status" data-status={status} title={STATUS_TEXT[status].help}>
      <span className="status-dot" />
      {STATUS_TEXT[status].label}
    </span>
  );
}

function CurrentWindow({ review, wb, colorOf }: { review: Review; wb: Workbench; colorOf(type: string): string }) {
  const { detail, row, summary, actions, deciding } = review;
  const w = wb.current;
  const view = wb.view;
  if (!w) return null;
  const status = detail?.status ?? row?.status ?? null;
  const decision = detail ? detail.decision : (row?.decision ?? null);
  const predicted = detail?.predicted ?? row?.predicted ?? [];
  const labels = view && !view.focus && view.window?.id === w.id ? view.labels : [];
  const barOf = (l: Label): [number, number] =>
    view ? [indexOfTime(view.chunk, l.startTime) - w.startIndex, indexOfTime(view.chunk, l.endTime) - w.startIndex] : [0, 0];
  const tolerance = summary?.boundaryTolerance ?? 2;
  const intraday = view ? view.chunk.time.length > 1 && view.chunk.time[1] - view.chunk.time[0] < 86_400_000 * 0.9 : false;
  return (
    <div className="review-current" data-testid="review-current" data-window-id={w.id} data-status={status ?? ''} data-decision={decision ?? ''}>
      <div className="review-current-head">
        <strong>This window</strong>
        {status && <StatusBadge status={status} />}
        {decision && (
          <span className={'decision-badge ' + decision} data-testid="review-decision">
            {decision === 'accepted' ? '✓ accepted' : '✕ rejected'}
          </span>
        )}
        <span className="spacer" />
        {(detail ?? row) && (
          <span
            className="muted small unsure"
            data-testid="review-unsure"
            title="How unsure the model is about this window: how close its most doubtful candidate span comes to the threshold (1 = a candidate right at the threshold, 0 = every candidate far from it, or none near). The least-sure queue (Q) ranks training windows by it."
          >
            unsure{' '}
            <span aria-hidden className="info-mark">
              ?
            </span>{' '}
            <Uncertainty value={(detail ?? row)!.uncertainty} />
          </span>
        )}
      </div>
      {!detail ? (
        <p className="muted small">Loading the prediction…</p>
      ) : (
        <ul className="review-explain" data-testid="review-explain">
          {explain(detail.matches, detail.predicted, labels, barOf, tolerance, status, w.reviewed).map((line, i) => (
            <li key={i} className={line.kind ? `st-${line.kind}` : ''}>
              {line.kind && <span className="status-dot" />}
              <span>{line.text}</span>
            </li>
          ))}
        </ul>
      )}

      {predicted.length > 0 && (
        <ul className="predicted-list" data-testid="predicted-list">
          {predicted.map((p, i) => (
            <li
              key={i}
              data-testid="predicted-item"
              data-type={p.type}
              data-start={w.startIndex + p.start}
              data-end={w.startIndex + p.end}
              title={`${formatBarTime(p.startTime, intraday)} → ${formatBarTime(p.endTime, intraday)}`}
            >
              <span className="swatch outline" style={{ borderColor: colorOf(p.type) }} />
              <span className="span-type">{p.type}</span>
              <span className="small">{p.start === p.end ? `bar ${p.start}` : `bars ${p.start}–${p.end}`}</span>
              <span className="muted small">
                {p.end - p.start + 1} bar{p.end === p.start ? '' : 's'} · score {p.score.toFixed(2)}
              </span>
              <span className="spacer" />
              {predicted.length > 1 && (
                <button
                  className="btn small ghost accept-one"
                  disabled={deciding}
                  onClick={() => actions.accept(i)}
                  data-testid="accept-span"
                  title="Accept only this span (it replaces the labels it overlaps)"
                >
                  ✓ this
                </button>
              )}
            </li>
          ))}
        </ul>
      )}

      <div className="review-actions">
        <button
          className="btn small primary"
          disabled={deciding || !detail}
          onClick={() => actions.accept()}
          data-testid="review-accept"
          title={predicted.length ? 'The predicted spans become this window’s labels (A)' : 'The model predicts no span: mark the window “no span” (A)'}
        >
          ✓ Accept{predicted.length === 0 ? ' “no span”' : ''} <kbd>A</kbd>
        </button>
        <button
          className="btn small"
          disabled={deciding || !detail}
          onClick={actions.reject}
          data-testid="review-reject"
          title={decision === 'rejected' ? 'Clear the rejection (X)' : 'The labels stay; the prediction is marked wrong (X)'}
        >
          {decision === 'rejected' ? '↺ Un-reject' : '✕ Reject'} <kbd>X</kbd>
        </button>
        {((row?.unconfirmed ?? 0) > 0 || labels.some((l) => l.origin === 'accepted')) && (
          <button
            className="btn small primary"
            disabled={deciding}
            onClick={actions.confirm}
            data-testid="review-confirm"
            title="These labels were written by the model: confirm them as yours. Until then they are left out of validation scoring."
          >
            ✓ Confirm as mine
          </button>
        )}
        {decision === 'accepted' && (
          <button
            className="btn small ghost"
            disabled={deciding}
            onClick={actions.clearDecision}
            data-testid="review-clear"
            title="Forget the decision (labels stay; Ctrl+Z undoes the accepted labels)"
          >
            Clear
          </button>
        )}
      </div>
      <div className="review-nav">
        <button
          className="btn small ghost"
          onClick={actions.nextDisagreement}
          data-testid="review-next-disagreement"
          disabled={!summary || !review.rows.some((r) => r.windowId !== w.id && r.decision == null && r.status !== 'agree' && r.status !== 'unlabelled')}
        >
          Next disagreement <kbd>D</kbd>
        </button>
        <button
          className="btn small ghost"
          onClick={actions.nextUnsure}
          data-testid="review-next-unsure"
          disabled={!review.queue.some((r) => r.windowId !== w.id)}
        >
          Least sure <kbd>Q</kbd>
        </button>
      </div>
    </div>
  );
}

interface Line {
  kind: Exclude<ReviewStatus, 'unlabelled'> | null;
  text: string;
}

/** Each match in words, most serious first; bars are counted inside the window (0 = its first bar). */
function explain(
  matches: ReviewMatch[],
  predicted: ReviewSpan[],
  labels: Label[],
  barOf: (l: Label) => [number, number],
  tolerance: number,
  status: ReviewStatus | null,
  reviewed: boolean,
): Line[] {
  const byId = new Map(labels.map((l) => [l.id, l]));
  const bars = (a: number, b: number) => (a === b ? `bar ${a}` : `bars ${a}–${b}`);
  const lbl = (id: number | null) => {
    const l = id != null ? byId.get(id) : undefined;
    if (!l) return { text: 'a label', s: 0, e: 0 };
    const [s, e] = barOf(l);
    return { text: `label ${l.type} (${bars(s, e)})`, s, e };
  };
  const prd = (i: number | null) => {
    const p = i != null ? predicted[i] : undefined;
    return p
      ? { text: `predicted ${p.type} (${bars(p.start, p.end)}, score ${p.score.toFixed(2)})`, s: p.start, e: p.end }
      : { text: 'a predicted span', s: 0, e: 0 };
  };
  const order: Record<string, number> = { missed: 0, extra: 1, type: 2, boundary: 3, agree: 4 };
  const lines = [...matches]
    .sort((a, b) => order[a.kind] - order[b.kind])
    .map((m): Line => {
      const L = lbl(m.labelId);
      const P = prd(m.predicted);
      const pct = `${Math.round(m.iou * 100)}% overlap`;
      switch (m.kind) {
        case 'missed':
          return { kind: 'missed', text: `Missed: ${L.text} — the model predicts no span there.` };
        case 'extra':
          return { kind: 'extra', text: `Extra: ${P.text} — no label there.` };
        case 'type':
          return { kind: 'type', text: `Type: ${L.text} is ${P.text.replace('predicted ', 'predicted as ')}, ${pct}.` };
        case 'boundary': {
          const ds = P.s - L.s;
          const de = P.e - L.e;
          const edge = (d: number, name: string) =>
            d === 0 ? null : `${name} ${Math.abs(d)} bar${Math.abs(d) === 1 ? '' : 's'} ${d < 0 ? 'earlier' : 'later'}`;
          const off = [edge(ds, 'starts'), edge(de, 'ends')].filter(Boolean).join(', ');
          return { kind: 'boundary', text: `Boundary: ${P.text} ${off || 'is off'} than ${L.text} (tolerance ${tolerance}).` };
        }
        default:
          return { kind: 'agree', text: `Agree: ${L.text} ↔ ${P.text}, ${pct}.` };
      }
    });
  if (status === 'unlabelled') {
    lines.push({
      kind: null,
      text: predicted.length
        ? `Not labelled yet. The model predicts ${predicted.length} span${predicted.length === 1 ? '' : 's'}: accept (A) to take ${predicted.length === 1 ? 'it' : 'them'} as labels, or draw your own.`
        : 'Not labelled yet. The model predicts no span: accept (A) to mark the window “no span”, or draw a span.',
    });
  } else if (lines.length === 0) {
    lines.push({ kind: 'agree', text: reviewed ? 'Agree: marked “no span”, and the model predicts none.' : 'Agree: no labels and no predicted spans.' });
  }
  return lines;
}

/** A small bar for 0..1 uncertainty, with the number. */
function Uncertainty({ value }: { value: number }) {
  return (
    <span className="uncertainty" title={`uncertainty ${value.toFixed(2)}`}>
      <span className="uncertainty-track">
        <span className="uncertainty-fill" style={{ width: `${Math.round(Math.max(0, Math.min(1, value)) * 100)}%` }} />
      </span>
      <span className="uncertainty-value">{value.toFixed(2)}</span>
    </span>
  );
}

const ROW_H = 30;
const LIST_H = 240;

/** The filtered windows; only the rows in view are rendered (a set can have 15,000 windows). */
function WindowList({
  title,
  rows,
  current,
  onOpen,
  testId,
  empty,
}: {
  title: ReactNode;
  rows: readonly ReviewWindowRow[];
  current: number | null;
  onOpen(id: number): void;
  testId: string;
  empty: string;
}) {
  const [top, setTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  // Keep the window on screen in view as it changes (keys, the queue, the chart).
  const at = rows.findIndex((r) => r.windowId === current);
  useEffect(() => {
    const el = box.current;
    if (!el || at < 0) return;
    const y = at * ROW_H;
    if (y < el.scrollTop || y + ROW_H > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, y - el.clientHeight / 2 + ROW_H / 2);
  }, [at]);
  const first = Math.max(0, Math.floor(top / ROW_H) - 4);
  const last = Math.min(rows.length, Math.ceil((top + LIST_H) / ROW_H) + 4);
  const height = Math.min(LIST_H, Math.max(rows.length, 1) * ROW_H);
  return (
    <>
      <h3>
        {title} <span className="count">{rows.length}</span>
      </h3>
      {rows.length === 0 ? (
        <p className="muted small" data-testid={`${testId}-empty`}>
          {empty}
        </p>
      ) : (
        <div
          ref={box}
          className="review-list"
          style={{ height }}
          onScroll={(e) => setTop(e.currentTarget.scrollTop)}
          data-testid={testId}
          data-rows={rows.length}
        >
          <div style={{ height: rows.length * ROW_H, position: 'relative' }}>
            {rows.slice(first, last).map((r, k) => (
              <button
                key={r.windowId}
                className={'review-row' + (r.windowId === current ? ' current' : '')}
                style={{ position: 'absolute', top: (first + k) * ROW_H, height: ROW_H - 2, left: 0, right: 0 }}
                onClick={() => onOpen(r.windowId)}
                data-testid="review-row"
                data-window-id={r.windowId}
                data-status={r.status}
              >
                <span className={`status-dot st-${r.status}`} title={STATUS_TEXT[r.status].help} />
                <span className="review-row-name">Window {r.index + 1}</span>
                <span className="muted small">{r.status}</span>
                {r.decision && <span className={'decision-mark ' + r.decision}>{r.decision === 'accepted' ? '✓' : '✕'}</span>}
                <span className="spacer" />
                <Uncertainty value={r.uncertainty} />
              </button>
            ))}
          </div>
        </div>
      )}
    </>
  );
}

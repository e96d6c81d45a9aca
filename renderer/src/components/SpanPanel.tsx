/** Label types (with their number keys), the window's spans, and the selected span's details. */
import { call } from '../api/client.ts';
import type { Label, LabelType } from '../api/types.ts';
import { formatBarTime } from '../chart/time-format.ts';
import type { Workbench } from '../state/workbench.ts';
import { ALL, annotatorChoices, filterLabels, filterValue, parseFilterValue, type AnnotatorFilter } from '../state/annotator-filter.ts';

interface Props {
  wb: Workbench;
  labelTypes: LabelType[];
  colorOf(type: string): string;
  /** Issue #12, point 4: whose spans are shown (everyone, one annotator, or all in lanes on the chart). */
  annotatorFilter?: AnnotatorFilter;
  onAnnotatorFilter?(f: AnnotatorFilter): void;
  me?: string | null;
}

export function SpanPanel({ wb, labelTypes, colorOf, annotatorFilter = ALL, onAnnotatorFilter, me = null }: Props) {
  const { view, actions, selected } = wb;
  const all = view && !view.focus ? [...view.labels].sort((a, b) => a.startTime - b.startTime) : [];
  const labels = filterLabels(all, annotatorFilter);
  const choices = annotatorChoices(all, me, annotatorFilter);
  const intraday = view ? view.chunk.time.length > 1 && view.chunk.time[1] - view.chunk.time[0] < 86_400_000 * 0.9 : false;
  return (
    <section className="panel" data-testid="span-panel">
      <h3>Types</h3>
      <div className="types">
        {labelTypes.map((t, i) => (
          <button
            key={t.name}
            className={'type-btn' + (wb.activeType === t.name ? ' active' : '')}
            onClick={() => actions.typeKey(i + 1)}
            data-testid={`type-${t.name}`}
            title={`Key ${i + 1}`}
          >
            <span className="swatch" style={{ background: t.color }} />
            <kbd>{i + 1}</kbd> {t.name}
          </button>
        ))}
      </div>

      <h3>
        Spans in this window{' '}
        <span className="muted">
          ({labels.length}
          {labels.length !== all.length ? ` of ${all.length}` : ''})
        </span>
      </h3>
      {onAnnotatorFilter && !view?.focus && (
        <label
          className="small muted annotator-filter"
          title="Whose spans the chart and this list show. Lanes: every annotator side by side on the chart (read-only)"
        >
          Show{' '}
          <select value={filterValue(annotatorFilter)} onChange={(e) => onAnnotatorFilter(parseFilterValue(e.target.value))} data-testid="annotator-filter">
            <option value="all">everyone, together</option>
            {choices.map((a) => (
              <option key={a} value={filterValue({ kind: 'one', name: a })}>
                {a === me ? `only me (${a})` : `only ${a}`}
              </option>
            ))}
            <option value="lanes">all, in lanes</option>
          </select>
        </label>
      )}
      {view?.focus ? (
        <p className="muted small">Read-only conflict view. Use “Edit A/B” to open a window.</p>
      ) : labels.length === 0 ? (
        <p className="muted small" data-testid="no-spans">
          None yet. Drag across bars on the chart to add one{wb.current?.reviewed ? ' (window marked: no span)' : ''}.
        </p>
      ) : (
        <ul className="span-list" data-testid="span-list">
          {labels.map((l) => {
            const [s, e] = wb.viewIndex(l);
            return (
              <li
                key={l.id}
                className={l.id === wb.selectedId ? 'selected' : ''}
                onClick={() => actions.select(l.id)}
                data-testid="span-item"
                data-type={l.type}
                data-start={s}
                data-end={e}
                data-confidence={l.confidence}
                data-origin={l.origin}
                data-author={l.author}
                title={provenance(l)}
              >
                <span className="swatch" style={{ background: colorOf(l.type) }} />
                <span className="span-type">{l.type}</span>
                <span className="muted small">
                  {formatBarTime(l.startTime, intraday)} → {formatBarTime(l.endTime, intraday)} · {e - s + 1} bars
                  {choices.length > 1 ? ` · ${l.author || '(unknown)'}` : ''}
                </span>
                {l.confidence < 1 && <span className="chip">{l.confidence.toFixed(2)}</span>}
                {l.origin === 'accepted' && (
                  <span
                    className="chip unconfirmed"
                    title="Written by a model and not confirmed yet: left out of validation scoring until you confirm or edit it"
                  >
                    model
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}

      {selected && (
        <div className="inspector" data-testid="inspector">
          <h3>Selected span</h3>
          <label className="slider">
            Confidence <strong data-testid="confidence-value">{selected.confidence.toFixed(2)}</strong>
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={selected.confidence}
              onChange={(e) => actions.setConfidence(Number(e.target.value))}
              data-testid="confidence"
              aria-label="Confidence"
            />
          </label>
          <div className="row">
            <button className="btn danger small" onClick={actions.deleteSelected} data-testid="delete-span">
              Delete (Del)
            </button>
            {selected.origin === 'accepted' && (
              <button
                className="btn small primary"
                data-testid="confirm-span"
                title="The model wrote this span: confirm it as yours (it then counts in validation scoring)"
                onClick={() => void actions.apply(() => call('review.confirm', { windowId: selected.windowId, labelIds: [selected.id] }))}
              >
                ✓ Confirm
              </button>
            )}
          </div>
          <p className="muted small provenance" data-testid="span-provenance">
            {provenance(selected)}
          </p>
        </div>
      )}
    </section>
  );
}

const HOW: Record<Label['origin'], string> = {
  drawn: 'drawn',
  imported: 'imported',
  accepted: 'accepted from a model, not confirmed',
  'accepted-edited': 'accepted from a model, then edited',
  confirmed: 'accepted from a model, confirmed',
};

/** Who, how and when, in words (issue #12): the span list's hover text and the inspector line. */
export function provenance(l: Label): string {
  const how = HOW[l.origin] ?? l.origin;
  const run = l.originRun != null ? ` (run ${l.originRun})` : '';
  const when = new Date(l.updatedAt).toISOString().slice(0, 16).replace('T', ' ');
  return `${how}${run} by ${l.author || 'unknown'}, ${when} UTC`;
}

/**
 * ✎ beside a series id on Home: an inline field for its new id (Enter saves, Esc cancels). The
 * service refuses an id that is taken or not an id (letters, digits, ". _ -"); the reason is shown
 * beside the field, and nothing changes.
 */
import { useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError } from '../api/errors.ts';
import { toast } from '../state/toasts.ts';

export function RenameSeries({ seriesId, onRenamed }: { seriesId: string; onRenamed(to: string): void }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(seriesId);
  const [problem, setProblem] = useState<string | null>(null);
  const testId = `rename-series-${seriesId}`;
  const save = async () => {
    const to = text.trim();
    if (to === seriesId) return setEditing(false);
    try {
      await call('series.rename', { seriesId, to });
      setEditing(false);
      toast(`Renamed series ${seriesId} to ${to}`, { kind: 'info' });
      onRenamed(to);
    } catch (e) {
      const err = toApiError(e);
      // A schema refusal names the field; say what an id may hold instead of the raw issue list.
      setProblem(err.code === 'invalid-arguments' ? 'An id is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit.' : err.message);
    }
  };
  if (!editing)
    return (
      <button
        className="icon-btn small-icon"
        onClick={() => {
          setText(seriesId);
          setProblem(null);
          setEditing(true);
        }}
        aria-label={`Rename series ${seriesId}`}
        title="Rename this series (its window sets follow)"
        data-testid={testId}
      >
        ✎
      </button>
    );
  return (
    <span className="rename-series">
      <input
        className="name-input"
        autoFocus
        value={text}
        maxLength={64}
        aria-label={`New id for series ${seriesId}`}
        aria-invalid={problem !== null}
        data-testid={`${testId}-input`}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
          if (e.key === 'Escape') {
            e.stopPropagation();
            setEditing(false);
          }
        }}
      />
      {problem && (
        <span className="field-error small" role="alert" data-testid={`${testId}-error`}>
          {problem}
        </span>
      )}
    </span>
  );
}

/** A name shown with a ✎ button; editing it is an inline field (Enter saves, Esc cancels, empty clears). */
import { useState } from 'react';
import { toApiError } from '../api/errors.ts';
import { toast } from '../state/toasts.ts';

export function NameEditor({
  name,
  placeholder,
  onSave,
  testId,
}: {
  name: string | undefined;
  placeholder: string;
  onSave(name: string): Promise<void>;
  testId: string;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const save = async () => {
    try {
      await onSave(text);
      setEditing(false);
    } catch (e) {
      toast(toApiError(e).message, { kind: 'warn' });
    }
  };
  if (editing)
    return (
      <input
        className="name-input"
        autoFocus
        value={text}
        maxLength={80}
        placeholder={placeholder}
        aria-label="Name"
        data-testid={`${testId}-input`}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => setEditing(false)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
          if (e.key === 'Escape') {
            e.stopPropagation();
            setEditing(false);
          }
        }}
      />
    );
  return (
    <span className="name-view">
      {name ? <span data-testid={`${testId}-name`}>“{name}”</span> : null}
      <button
        className="icon-btn small-icon"
        onClick={() => {
          setText(name ?? '');
          setEditing(true);
        }}
        aria-label={name ? `Rename (${name})` : 'Give it a name'}
        title={name ? 'Rename' : 'Give it a name'}
        data-testid={`${testId}-rename`}
      >
        ✎
      </button>
    </span>
  );
}

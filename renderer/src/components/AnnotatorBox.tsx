/**
 * Who is labelling (issue #12). Until a name is chosen the top bar asks for one (inline, so nothing
 * is blocked: edits made meanwhile are recorded under the host's annotator); afterwards it shows the
 * name, and a click changes it. The name goes with every edit (renderer/src/api/client.ts).
 */
import { useState, type FormEvent } from 'react';
import { useAnnotator, validAnnotator } from '../state/annotator.ts';

export function AnnotatorBox() {
  const [name, setName] = useAnnotator();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (name && !editing) {
    return (
      <button
        className="chip annotator-chip"
        data-testid="annotator-name"
        title="Who is labelling: recorded on every span you draw, accept or confirm; undo takes back only your own edits. Click to change."
        onClick={() => {
          setDraft(name);
          setEditing(true);
        }}
      >
        ✎ {name}
      </button>
    );
  }
  const save = (e: FormEvent) => {
    e.preventDefault();
    const bad = validAnnotator(draft);
    setProblem(bad);
    if (bad) return;
    setName(draft);
    setEditing(false);
  };
  return (
    <form className="annotator-prompt" data-testid="annotator-prompt" onSubmit={save}>
      <label className="small">
        {name ? 'Annotator' : 'Who is labelling?'}{' '}
        <input
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="your name"
          maxLength={100}
          data-testid="annotator-input"
          aria-label="Annotator name"
          onKeyDown={(e) => e.stopPropagation()}
        />
      </label>
      <button className="btn small primary" type="submit" data-testid="annotator-save">
        Save
      </button>
      {name && (
        <button className="btn small ghost" type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      )}
      {problem && <span className="error small">{problem}</span>}
    </form>
  );
}

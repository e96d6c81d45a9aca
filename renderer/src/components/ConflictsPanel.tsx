/**
 * Open findings, most severe first: this window set's (default) or every set's ("all sets").
 * Selecting one shows both windows' spans on their shared bars (two lanes on the chart); each can
 * be settled in one click: keep A, keep B, or ignore (undoable from its toast, and listed under
 * "Ignored" to reopen later). Windows are named one way everywhere (state/window-name.ts).
 * Issue #12: a finding of kind 'annotators' is two annotators disagreeing inside one window: A and B
 * are the annotators, the chart shows their spans in two lanes, and Keep A removes B's spans there.
 */
import { useCallback, useEffect, useState } from 'react';
import { call } from '../api/client.ts';
import type { AnnotatorFindingFields, StoredFinding } from '../api/types.ts';
import { formatRoute } from '../state/route.ts';
import type { Workbench } from '../state/workbench.ts';

export function ConflictsPanel({ wb }: { wb: Workbench }) {
  const { findings, allFindings, allSets, focusId, actions, busy, nameOf } = wb;
  const sorted = [...findings].sort((a, b) => b.severity - a.severity || a.id - b.id);
  const elsewhere = allFindings.length - findings.length;
  /** Edit A/B: a window of this set is opened here; another set's window opens that set. */
  const edit = (windowId: number) => {
    const here = wb.windows.find((w) => w.id === windowId);
    if (here) return actions.goto(here);
    const there = wb.directory.get(windowId);
    if (there) window.location.hash = formatRoute({ view: 'label', setId: there.window.setId, windowId, review: null });
  };
  return (
    <section className="panel conflicts" data-testid="conflicts-panel" data-scope={allSets ? 'all' : 'set'}>
      <h3>
        Conflicts{' '}
        <span className={'count' + (sorted.length ? ' warn' : '')} data-testid="conflict-count">
          {sorted.length}
        </span>
        <span className="muted small"> next: C</span>
      </h3>
      <div className="scope-switch" role="group" aria-label="Which conflicts to list">
        <label className="small">
          <input type="checkbox" checked={allSets} onChange={(e) => actions.setAllSets(e.target.checked)} data-testid="conflicts-all-sets" /> all sets
        </label>
        {!allSets && elsewhere > 0 && (
          <span className="muted small" data-testid="conflicts-elsewhere">
            +{elsewhere} in other sets
          </span>
        )}
      </div>
      {sorted.length === 0 ? (
        <p className="muted small" data-testid="no-conflicts">
          No open contradictions between overlapping windows or annotators{allSets ? '' : ' of this set'}.
        </p>
      ) : (
        <ul className="finding-list">
          {sorted.map((f) => {
            const pair = annotatorsOf(f);
            return (
              <li key={f.id} className={f.id === focusId ? 'selected' : ''} data-testid="finding" data-finding-id={f.id}>
                <button
                  className="finding-main"
                  onClick={() => actions.focusFinding(f.id === focusId ? null : f.id)}
                  data-testid="finding-open"
                  title={f.message}
                >
                  <span className="sev" style={{ opacity: 0.35 + 0.65 * f.severity }} title={`severity ${f.severity.toFixed(2)}`}>
                    {f.kind}
                  </span>
                  {pair ? (
                    <span className="finding-msg">
                      <span data-testid="finding-a">A: {pair[0]}</span> · <span data-testid="finding-b">B: {pair[1]}</span>
                      <br />
                      <span className="muted small">in {nameOf(f.windowA)}</span>
                    </span>
                  ) : (
                    <span className="finding-msg">
                      <span data-testid="finding-a">A: {nameOf(f.windowA)}</span>
                      <br />
                      <span data-testid="finding-b">B: {nameOf(f.windowB)}</span>
                    </span>
                  )}
                </button>
                {f.id === focusId && (
                  <div className="finding-actions">
                    <button
                      className="btn small"
                      disabled={busy}
                      onClick={() => void actions.resolve(f.id, 'copy-a-to-b')}
                      data-testid="keep-a"
                      title={
                        pair
                          ? `Keep ${pair[0]}'s spans in this window: ${pair[1]}'s spans here are removed (undo brings them back)`
                          : "Copy window A's spans onto B's shared bars"
                      }
                    >
                      Keep A
                    </button>
                    <button
                      className="btn small"
                      disabled={busy}
                      onClick={() => void actions.resolve(f.id, 'copy-b-to-a')}
                      data-testid="keep-b"
                      title={
                        pair
                          ? `Keep ${pair[1]}'s spans in this window: ${pair[0]}'s spans here are removed (undo brings them back)`
                          : "Copy window B's spans onto A's shared bars"
                      }
                    >
                      Keep B
                    </button>
                    <button
                      className="btn small ghost"
                      disabled={busy}
                      onClick={() => void actions.resolve(f.id, 'ignore')}
                      data-testid="ignore"
                      title="Leave both as they are; undo from the message that follows, or reopen from Ignored"
                    >
                      Ignore
                    </button>
                    <span className="spacer" />
                    <button className="btn small ghost" onClick={() => edit(f.windowA)} data-testid="edit-a" title={`Edit ${nameOf(f.windowA)}`}>
                      {pair ? 'Open window' : 'Edit A'}
                    </button>
                    {!pair && (
                      <button className="btn small ghost" onClick={() => edit(f.windowB)} data-testid="edit-b" title={`Edit ${nameOf(f.windowB)}`}>
                        Edit B
                      </button>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <IgnoredList wb={wb} />
    </section>
  );
}

/** The two annotators of an 'annotators' finding (conflicts.list names them), else null. */
function annotatorsOf(f: StoredFinding): [string, string] | null {
  const pair = (f as StoredFinding & AnnotatorFindingFields).annotators;
  return f.kind === 'annotators' && pair ? pair : null;
}

/** Ignored findings (of the same scope), read when opened, each with Reopen. */
function IgnoredList({ wb }: { wb: Workbench }) {
  const [open, setOpen] = useState(false);
  const [ignored, setIgnored] = useState<StoredFinding[] | null>(null);
  const { allSets, windows, nameOf, actions, editSeq } = wb;
  const load = useCallback(async () => {
    const ids = new Set(windows.map((w) => w.id));
    const all = await call('conflicts.list', { status: 'ignored' });
    setIgnored(allSets ? all : all.filter((f) => ids.has(f.windowA) || ids.has(f.windowB)));
  }, [allSets, windows]);
  useEffect(() => {
    if (open) void load().catch(() => setIgnored([]));
  }, [open, load, editSeq]);
  return (
    <details className="ignored" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid="ignored-conflicts">
      <summary className="small">Ignored{ignored ? ` (${ignored.length})` : ''}</summary>
      {ignored && ignored.length === 0 && <p className="muted small">No ignored conflicts{allSets ? '' : ' in this set'}.</p>}
      {ignored && ignored.length > 0 && (
        <ul className="finding-list">
          {ignored.map((f) => (
            <li key={f.id} data-testid="ignored-finding" data-finding-id={f.id}>
              <span className="small" title={f.message}>
                {f.kind}: {nameOf(f.windowA)} vs {nameOf(f.windowB)}
              </span>
              <button className="btn small ghost" onClick={() => void actions.resolve(f.id, 'reopen')} data-testid="reopen">
                Reopen
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

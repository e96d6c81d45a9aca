/**
 * Open findings, most severe first. Selecting one shows both windows' spans on their shared bars
 * (two lanes on the chart); each can be settled in one click: keep A, keep B, or ignore.
 */
import type { Workbench } from '../state/workbench.ts';

export function ConflictsPanel({ wb }: { wb: Workbench }) {
  const { findings, focusId, actions, busy } = wb;
  const sorted = [...findings].sort((a, b) => b.severity - a.severity || a.id - b.id);
  return (
    <section className="panel conflicts" data-testid="conflicts-panel">
      <h3>
        Conflicts <span className={'count' + (sorted.length ? ' warn' : '')} data-testid="conflict-count">{sorted.length}</span>
        <span className="muted small"> next: C</span>
      </h3>
      {sorted.length === 0 ? (
        <p className="muted small" data-testid="no-conflicts">
          No open contradictions between overlapping windows.
        </p>
      ) : (
        <ul className="finding-list">
          {sorted.map((f) => (
            <li key={f.id} className={f.id === focusId ? 'selected' : ''} data-testid="finding" data-finding-id={f.id}>
              <button className="finding-main" onClick={() => actions.focusFinding(f.id === focusId ? null : f.id)} data-testid="finding-open">
                <span className="sev" style={{ opacity: 0.35 + 0.65 * f.severity }} title={`severity ${f.severity.toFixed(2)}`}>
                  {f.kind}
                </span>
                <span className="finding-msg">{f.message}</span>
              </button>
              {f.id === focusId && (
                <div className="finding-actions">
                  <button className="btn small" disabled={busy} onClick={() => void actions.resolve(f.id, 'copy-a-to-b')} data-testid="keep-a" title="Copy window A's spans onto B's shared bars">
                    Keep A
                  </button>
                  <button className="btn small" disabled={busy} onClick={() => void actions.resolve(f.id, 'copy-b-to-a')} data-testid="keep-b" title="Copy window B's spans onto A's shared bars">
                    Keep B
                  </button>
                  <button className="btn small ghost" disabled={busy} onClick={() => void actions.resolve(f.id, 'ignore')} data-testid="ignore">
                    Ignore
                  </button>
                  <span className="spacer" />
                  <button className="btn small ghost" onClick={() => actions.goto(wb.windows.find((w) => w.id === f.windowA) ?? undefined)} data-testid="edit-a" disabled={!wb.windows.some((w) => w.id === f.windowA)}>
                    Edit A
                  </button>
                  <button className="btn small ghost" onClick={() => actions.goto(wb.windows.find((w) => w.id === f.windowB) ?? undefined)} data-testid="edit-b" disabled={!wb.windows.some((w) => w.id === f.windowB)}>
                    Edit B
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

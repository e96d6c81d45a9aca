/** Which window is on screen, its state, and the navigation/undo buttons (each names its key). */
import type { LabelType } from '../api/types.ts';
import type { Workbench } from '../state/workbench.ts';
import { JumpBox } from './JumpBox.tsx';
import { windowName, windowShortName } from '../state/window-name.ts';

export function WindowBar({ wb, labelTypes, onHome }: { wb: Workbench; labelTypes: LabelType[]; onHome(): void }) {
  const { current: w, windows, currentIndex, actions, history } = wb;
  const labelled = w ? wb.isLabelled(w) : false;
  const inConflict = w ? wb.conflictWindows.has(w.id) : false;
  const done = windows.filter(wb.isLabelled).length;
  const spans = w ? (wb.labelCounts.get(w.id) ?? 0) : 0;
  return (
    <div className="window-bar" data-testid="window-bar">
      <button className="btn ghost small" onClick={onHome} title="Project home (H)">
        ← Home
      </button>
      <div className="nav-group">
        <button className="btn small" onClick={actions.prev} disabled={currentIndex <= 0} title="Previous window ([)" data-testid="prev-window">
          [ Prev
        </button>
        <div className="window-title" data-testid="window-title" data-window-id={w?.id ?? ''}>
          {w ? (
            <>
              <strong data-testid="window-name" title={`${windowName(w, { index: currentIndex, total: windows.length })} (id ${w.id}, ${w.extId})`}>
                {windowShortName(w, { index: currentIndex, total: windows.length })}
              </strong>
              <span className="muted small">
                {' '}
                set {w.setId}
                {wb.setName ? ` “${wb.setName}”` : ''} · {w.seriesId} · {w.role}
              </span>
            </>
          ) : (
            <span className="muted">Loading windows…</span>
          )}
        </div>
        <button className="btn small" onClick={actions.next} disabled={currentIndex >= windows.length - 1} title="Next window (])" data-testid="next-window">
          Next ]
        </button>
      </div>
      {w && (
        <div className="chips" data-testid="window-status">
          {wb.focusId != null && (
            <span className="chip warn" data-testid="conflict-view-chip" title="The chart shows a conflict between two windows; Esc returns to this window">
              showing a conflict · Esc returns here
            </span>
          )}
          {inConflict && <span className="chip warn">in conflict</span>}
          {spans > 0 ? (
            <span className="chip ok" data-testid="window-state">
              {spans} span{spans === 1 ? '' : 's'}
            </span>
          ) : labelled ? (
            <span className="chip ok" data-testid="window-state">
              reviewed · no span
            </span>
          ) : (
            <span className="chip" data-testid="window-state">
              not labelled yet
            </span>
          )}
        </div>
      )}
      <JumpBox wb={wb} />
      <div className="spacer" />
      <span className="muted small" data-testid="set-progress">
        {done}/{windows.length} labelled
      </span>
      <button className="btn small" onClick={actions.nextUnlabelled} title="Next unlabelled window (U)" data-testid="next-unlabelled">
        Next unlabelled (U)
      </button>
      <button className="btn small" onClick={() => void actions.toggleReviewed()} disabled={!w} title="No span in this window (N)" data-testid="no-span">
        {w?.reviewed ? 'Unmark reviewed (N)' : 'No span here (N)'}
      </button>
      <button
        className="btn small"
        onClick={() => void actions.undo()}
        disabled={!history.canUndo}
        title={history.undoDescription ? `Undo: ${history.undoDescription} (Ctrl+Z)` : 'Undo (Ctrl+Z)'}
        data-testid="undo"
      >
        ↶ Undo
      </button>
      <button
        className="btn small"
        onClick={() => void actions.redo()}
        disabled={!history.canRedo}
        title={history.redoDescription ? `Redo: ${history.redoDescription} (Shift+Ctrl+Z)` : 'Redo (Shift+Ctrl+Z)'}
        data-testid="redo"
      >
        ↷ Redo
      </button>
      <span className="sr-only">{labelTypes.length} label types</span>
    </div>
  );
}

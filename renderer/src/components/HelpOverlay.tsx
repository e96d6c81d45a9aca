/** The key map (?), generated from keyboard/keymap.ts. */
import { useEffect } from 'react';
import { BINDINGS, GESTURES, type Binding } from '../keyboard/keymap.ts';
import './review/review.css';

export function HelpOverlay({ onClose }: { onClose(): void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' || e.key === '?') {
        e.preventDefault();
        e.stopImmediatePropagation();
        onClose();
      }
    };
    // Capture phase: close before the workbench sees Escape.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  return (
    <div className="overlay" onClick={onClose} data-testid="help-overlay">
      <div className="dialog" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <div className="dialog-head">
          <h2>Keyboard and mouse</h2>
          <button className="icon-btn" onClick={onClose} aria-label="Close">
            ×
          </button>
        </div>
        <table className="keys">
          <tbody>
            <KeyRows bindings={BINDINGS.filter((b) => !b.mode)} />
            <tr>
              <td colSpan={2} className="keys-group">
                Review mode <span className="muted">(pick a run under “Review predictions” at the top of the sidebar)</span>
              </td>
            </tr>
            <KeyRows bindings={BINDINGS.filter((b) => b.mode === 'review')} />
            <tr>
              <td colSpan={2} className="keys-group">
                Mouse
              </td>
            </tr>
            {GESTURES.map(([g, text]) => (
              <tr key={g}>
                <td>
                  <span className="gesture">{g}</span>
                </td>
                <td>{text}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small attribution">
          Charts by{' '}
          <a href="https://www.tradingview.com/" target="_blank" rel="noreferrer noopener">
            TradingView Lightweight Charts™
          </a>
          .
        </p>
      </div>
    </div>
  );
}

function KeyRows({ bindings }: { bindings: readonly Binding[] }) {
  return bindings.map((b) => (
    <tr key={b.action} data-testid={`key-${b.action}`}>
      <td>
        <kbd>{b.keys}</kbd>
      </td>
      <td>{b.help}</td>
    </tr>
  ));
}

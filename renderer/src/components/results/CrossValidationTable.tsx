/**
 * A walk-forward run's folds (report.crossValidation): per fold the windows it trained, validated
 * and tested on, the epoch it kept (chosen on its own inner validation; one per ensemble member), and
 * its span and bar F1 on its own test block; then the mean ± sd over the folds. The caption says where
 * the report's headline is (the held-out block scored once by the saved fold's model, or that fold's
 * own test block), so the two figures are never read as one.
 */
import type { RunReport } from '../../api/types.ts';
import { fmtNum } from './format.ts';
import './results.css';

export function CrossValidationTable({ report }: { report: RunReport }) {
  const cv = report.crossValidation;
  if (!cv) return null;
  const heldOut = cv.headlineOn === 'held-out';
  return (
    <div className="cv-folds" data-testid="report-cv">
      <table className="table compact" data-testid="report-cv-table">
        <caption className="muted small">
          Walk-forward, {cv.folds} folds (each tested on its own later block, {cv.purgeBars} bars purged between parts). The headline above is{' '}
          {heldOut
            ? `the held-out test block (${cv.heldOutWindows ?? '?'} windows), scored once by fold ${cv.savedFold}'s model`
            : `fold ${cv.savedFold}'s own test block (no held-out block)`}
          .
        </caption>
        <thead>
          <tr>
            <th>fold</th>
            <th className="num">train / val / test windows</th>
            <th className="num">epoch</th>
            <th className="num">span F1</th>
            <th className="num">bar F1</th>
          </tr>
        </thead>
        <tbody>
          {cv.perFold.map((f) => (
            <tr key={f.fold} data-testid="report-cv-fold">
              <td>
                {f.fold}
                {f.fold === cv.savedFold ? <span className="muted small"> (saved)</span> : null}
              </td>
              <td className="num">
                {f.trainWindows} / {f.valWindows} / {f.testWindows}
              </td>
              <td className="num">{f.bestEpochs.join(', ')}</td>
              <td className="num">{fmtNum(f.spanF1)}</td>
              <td className="num">{fmtNum(f.barF1)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-testid="report-cv-mean">
            <td colSpan={3}>mean ± sd over folds</td>
            <td className="num">
              {fmtNum(cv.spanF1.mean)} ± {fmtNum(cv.spanF1.sd)}
            </td>
            <td className="num">
              {fmtNum(cv.barF1.mean)} ± {fmtNum(cv.barF1.sd)}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/**
 * Two or more completed runs side by side: their curves overlaid, the decision matrix (one row per
 * criterion, the winner highlighted, a one-line verdict) and the settings that differ between
 * them. The matrix and the diff come from the service (runs.compare), so the app and the exported
 * comparison never disagree; run colours match the overlays.
 */
import type { ComparisonData } from './load-comparison.ts';
import { CompareOverlays, runStyles, type RunStyle } from './CompareOverlays.tsx';
import { fmtMatrixRow, fmtSetting } from './format.ts';
import { ConfidenceInterval } from './ConfidenceInterval.tsx';

function RunHeader({ style, name }: { style: RunStyle; name: string }) {
  return (
    <>
      <svg className="swatch" viewBox="0 0 18 10" width="18" height="10" aria-hidden="true">
        <path d="M0 5h18" stroke={style.color} strokeWidth={3} strokeDasharray={style.dashed ? '5 3' : undefined} />
      </svg>
      {name}
    </>
  );
}

export function ComparisonView({ data, onClose }: { data: ComparisonData; onClose(): void }) {
  const { comparison, reports } = data;
  const styles = runStyles(comparison);
  const names = comparison.runs.map((r) => r.name);
  return (
    <div className="comparison" data-testid="comparison" data-runs={comparison.runs.map((r) => r.runId).join(',')}>
      <div className="card-head">
        <h2>Comparison · {styles.map((s) => s.name).join(' vs ')}</h2>
        <div className="spacer" />
        <button className="icon-btn" onClick={onClose} aria-label="Close comparison" data-testid="comparison-close">
          ×
        </button>
      </div>
      <CompareOverlays comparison={comparison} reports={reports} />
      <h3>Decision matrix</h3>
      <table className="table compare-table" data-testid="decision-matrix">
        <thead>
          <tr>
            <th>Criterion</th>
            {names.map((n, i) => (
              <th key={n} className="num">
                <RunHeader style={styles[i]} name={n} />
              </th>
            ))}
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {comparison.matrix.map((row) => (
            <tr key={row.criterion} data-criterion={row.criterion}>
              <td title={row.measure}>
                {row.criterion}
                <div className="muted small">{row.better === 'n/a' ? '' : `${row.better} is better`}</div>
              </td>
              {fmtMatrixRow(row.values).map((text, i) => (
                <td key={i} className={'num' + (row.winner === i ? ' winner' : '')} data-winner={row.winner === i ? 'true' : undefined}>
                  {text}
                  <ConfidenceInterval ci={row.intervals?.[i]} />
                </td>
              ))}
              <td className="small">{row.verdict}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Settings that differ</h3>
      {comparison.configDiff.length === 0 ? (
        <p className="muted small" data-testid="config-diff-none">
          The runs share every setting.
        </p>
      ) : (
        <table className="table compare-table" data-testid="config-diff">
          <thead>
            <tr>
              <th>Setting</th>
              {names.map((n, i) => (
                <th key={n}>
                  <RunHeader style={styles[i]} name={n} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {comparison.configDiff.map((d) => (
              <tr key={d.key} data-key={d.key}>
                <td>
                  <code>{d.key}</code>
                </td>
                {d.values.map((v, i) => (
                  <td key={i}>{fmtSetting(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

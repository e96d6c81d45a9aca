/**
 * A 95 % interval beside a figure ("[0.712, 0.845]"), and the run report's headline line: which
 * windows the headline is on (the held-out test block, or validation when a run has none) and
 * validation beside it. Old (v1) reports have no interval: nothing is shown for them.
 */
import type { RunReport } from '../../api/types.ts';
import { fmtNum } from './format.ts';

export function ConfidenceInterval({ ci, testId }: { ci: { low: number; high: number; level?: number } | null | undefined; testId?: string }) {
  if (!ci) return null;
  return (
    <span className="muted small" data-testid={testId} title={`${Math.round((ci.level ?? 0.95) * 100)} % block-bootstrap interval over windows`}>
      {' '}
      [{fmtNum(ci.low)}, {fmtNum(ci.high)}]
    </span>
  );
}

/** The v2 headline: test-block span/bar F1 with intervals, validation beside it. */
export function HeadlineLine({ report }: { report: RunReport }) {
  const h = report.headline;
  if (!h) return null;
  return (
    <p className="report-headline-v2" data-testid="report-headline-test" data-on={h.on}>
      <strong>{h.on === 'test' ? `Held-out test block (${h.windows} windows)` : `Validation (${h.windows} windows, no test block)`}</strong>: span F1{' '}
      <strong data-testid="headline-span-f1">{fmtNum(h.spanF1)}</strong>
      <ConfidenceInterval ci={h.spanCI} testId="headline-span-ci" /> · bar F1 {fmtNum(h.barF1)}
      <ConfidenceInterval ci={h.barCI} />
      {h.test && (
        <span className="muted small">
          {' '}
          · validation span F1 {fmtNum(h.validation.spanF1)}
          <ConfidenceInterval ci={h.validation.spanCI} />
        </span>
      )}
      {(report.baselines.rule || report.baselines.logistic) && (
        <span className="muted small" style={{ display: 'block' }} data-testid="headline-baselines">
          baselines on the same windows (span F1): rule heuristic{' '}
          {fmtNum((h.on === 'test' ? report.baselines.rule?.test : report.baselines.rule?.validation)?.spanF1)}, per-bar logistic regression{' '}
          {fmtNum((h.on === 'test' ? report.baselines.logistic?.test : report.baselines.logistic?.validation)?.spanF1)}
        </span>
      )}
      {report.temperature && (
        <span className="muted small" style={{ display: 'block' }} data-testid="headline-calibration">
          calibration on {report.temperature.judgedOn}: ECE {fmtNum(report.temperature.before.ece)}, Brier {fmtNum(report.temperature.before.brier)};
          temperature τ {fmtNum(report.temperature.tau, 2)} (fitted on validation) → ECE {fmtNum(report.temperature.after.ece)}
        </span>
      )}
      {(report.dataset?.notes ?? []).map((n) => (
        <span key={n} className="muted small" style={{ display: 'block' }}>
          {n}
        </span>
      ))}
    </p>
  );
}

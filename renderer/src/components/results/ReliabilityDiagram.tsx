/**
 * Reliability diagram (v2 reports): per probability bin, the observed share of bars inside a
 * labelled span against the mean predicted probability; the diagonal is perfect calibration. Dot
 * area grows with the bin's bar count. With the report's ECE, Brier score and the temperature fitted
 * on validation (judged on the test block). Old reports have no reliability data: nothing is shown.
 */
import type { RunReport } from '../../api/types.ts';
import { fmtNum } from './format.ts';

export function ReliabilityDiagram({ report }: { report: RunReport }) {
  const rel = report.metrics.reliability;
  if (!rel) return null;
  const W = 220;
  const pad = 28;
  const S = W - 2 * pad;
  const x = (v: number) => pad + v * S;
  const y = (v: number) => W - pad - v * S;
  const maxCount = Math.max(1, ...rel.bins.map((b) => b.count));
  return (
    <figure className="reliability" data-testid="reliability-diagram">
      <svg width={W} height={W} role="img" aria-label="Reliability diagram: observed in-span share against predicted probability">
        <rect x={pad} y={pad} width={S} height={S} fill="none" stroke="currentColor" strokeOpacity={0.3} />
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke="currentColor" strokeDasharray="4 3" strokeOpacity={0.5} />
        {rel.bins
          .filter((b) => b.count > 0 && Number.isFinite(b.meanPredicted) && Number.isFinite(b.observed))
          .map((b) => (
            <circle key={b.lo} cx={x(b.meanPredicted)} cy={y(b.observed)} r={2 + 5 * Math.sqrt(b.count / maxCount)} fill="#ea580c" fillOpacity={0.8}>
              <title>{`p ${fmtNum(b.lo, 1)}–${fmtNum(b.hi, 1)}: predicted ${fmtNum(b.meanPredicted)}, observed ${fmtNum(b.observed)}, ${b.count} bars`}</title>
            </circle>
          ))}
        <text x={W / 2} y={W - 6} textAnchor="middle" fontSize={10} fill="currentColor">
          predicted probability
        </text>
        <text x={10} y={W / 2} textAnchor="middle" fontSize={10} fill="currentColor" transform={`rotate(-90 10 ${W / 2})`}>
          observed in span
        </text>
      </svg>
      <figcaption className="muted small">
        Validation: ECE {fmtNum(rel.ece)}, Brier {fmtNum(rel.brier)}
        {report.temperature
          ? ` · temperature τ ${fmtNum(report.temperature.tau, 2)} (fitted on validation) → ECE ${fmtNum(report.temperature.after.ece)} on ${report.temperature.judgedOn}`
          : ''}
      </figcaption>
    </figure>
  );
}

/**
 * Agreement between annotators (issue #12): per pair, span F1 (IoU ≥ 0.5) and bar-level Cohen's
 * kappa; Krippendorff's alpha over all; the windows they disagree on, each a link that opens the
 * window (like the conflicts list). Computed by the service on demand (`agreement.compute`).
 */
import { useCallback, useEffect, useState } from 'react';
import { call, onEvent } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { CommandResults } from '../api/types.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { SeniorityEditor } from './SeniorityEditor.tsx';

type Agreement = CommandResults['agreement.compute'];
const fmt = (x: number | null) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(3));

export function AgreementCard() {
  const [result, setResult] = useState<Agreement | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(async () => {
    try {
      setResult(await call('agreement.compute', {}));
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    }
  }, []);
  useEffect(() => {
    void load();
    // Labels change in other clients too: keep the figures current.
    return onEvent((...[name]) => {
      if (name === 'labels.changed') void load();
    });
  }, [load]);

  return (
    <section
      className="card"
      data-testid="agreement-card"
      data-annotators={result?.annotators.length ?? 0}
      data-disagreements={result?.disagreements.length ?? 0}
    >
      <h2>Annotators</h2>
      {error && <ErrorBox error={error} />}
      {result && result.annotators.length === 0 && <p className="muted small">No labels yet.</p>}
      {result && result.annotators.length > 0 && (
        <>
          <p className="small">{result.annotators.map((a) => `${a} (${result.spansByAnnotator[a] ?? 0})`).join(' · ')}</p>
          {result.annotators.length < 2 ? (
            <p className="muted small">One annotator so far: agreement needs two labelling the same windows.</p>
          ) : (
            <>
              <p className="small" data-testid="agreement-alpha">
                {result.sharedWindows} window(s) labelled by two or more · Krippendorff’s α <strong>{fmt(result.alpha)}</strong>
              </p>
              <table className="small" data-testid="agreement-pairs">
                <thead>
                  <tr>
                    <th>pair</th>
                    <th>windows</th>
                    <th title={`Spans matched one-to-one at IoU ≥ ${result.minIou}`}>span F1</th>
                    <th title="Per bar: span type or none">Cohen’s κ</th>
                  </tr>
                </thead>
                <tbody>
                  {result.pairs.map((p) => (
                    <tr key={`${p.a}|${p.b}`} data-testid="agreement-pair" data-pair={`${p.a}|${p.b}`} data-span-f1={fmt(p.spanF1)} data-kappa={fmt(p.kappa)}>
                      <td>
                        {p.a} · {p.b}
                      </td>
                      <td>{p.windows}</td>
                      <td>{fmt(p.spanF1)}</td>
                      <td>{fmt(p.kappa)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <SeniorityEditor version={result.annotators.length} onChanged={() => void load()} />
              <p className="small muted" data-testid="agreement-consensus">
                vs consensus (majority per bar; ties: more confident, then senior):{' '}
                {result.vsConsensus
                  .filter((c) => c.windows > 0)
                  .map((c) => `${c.annotator} F1 ${fmt(c.spanF1)} κ ${fmt(c.kappa)}`)
                  .join(' · ') || '—'}
              </p>
              {result.disagreements.length > 0 && (
                <>
                  <h3 className="small">Disagreements</h3>
                  <ul className="small" data-testid="agreement-disagreements">
                    {result.disagreements.slice(0, 50).map((d) => (
                      <li key={d.windowId} data-testid="agreement-disagreement" data-window-id={d.windowId}>
                        <a href={`#/set/${d.setId}/window/${d.windowId}`}>window {d.windowId}</a>: {d.annotators.join(', ')} differ on {d.bars} bar
                        {d.bars === 1 ? '' : 's'}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

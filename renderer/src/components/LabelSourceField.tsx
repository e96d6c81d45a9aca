/**
 * The Retrain form's label source (issue #12, point 4): whose labels a run learns from and is
 * scored on — every annotator (optionally weighted per annotator), their consensus (ties broken by
 * the project's seniority order, shown here), or one annotator. Lists the project's annotators
 * (`annotators.list`); with fewer than two there is nothing to choose and only a note shows.
 */
import { useEffect, useState } from 'react';
import { call } from '../api/client.ts';
import type { AnnotatorsInfo } from '../api/types.ts';
import type { TrainSettings } from '../state/training.ts';

export function LabelSourceField({ s, update, version }: { s: TrainSettings; update(patch: Partial<TrainSettings>): void; version: number }) {
  const [info, setInfo] = useState<AnnotatorsInfo | null>(null);
  useEffect(() => {
    let dead = false;
    call('annotators.list', {})
      .then((r) => !dead && setInfo(r))
      .catch(() => !dead && setInfo(null));
    return () => {
      dead = true;
    };
  }, [version]);
  const names = info?.annotators.map((a) => a.annotator) ?? [];
  if (names.length < 2 && s.labelSource === 'all') {
    return (
      <p className="muted small" style={{ gridColumn: '1 / -1' }} data-testid="train-label-source-note">
        Labels: {names.length === 1 ? `all by ${names[0]}` : 'no annotator yet'} (with two or more annotators you can train on their consensus or on one of
        them).
      </p>
    );
  }
  const weight = (a: string) => s.annotatorWeights[a] ?? 1;
  return (
    <>
      <label title="Whose labels train the model and score it (validation and test alike): everyone's, their consensus (majority per bar; ties: more confident, then the senior annotator), or one annotator's">
        Labels
        <select value={s.labelSource} onChange={(e) => update({ labelSource: e.target.value })} data-testid="train-label-source">
          <option value="all">all annotators</option>
          <option value="consensus">consensus</option>
          {names.map((a) => (
            <option key={a} value={`annotator:${a}`}>
              only {a}
            </option>
          ))}
        </select>
      </label>
      {s.labelSource === 'consensus' && (
        <p className="muted small" style={{ gridColumn: '1 / -1' }} data-testid="train-seniority">
          Ties: the more confident side, then{' '}
          {info?.seniority.length
            ? `seniority ${info.seniority.join(' > ')}`
            : 'annotator name (no seniority order set: `candlemark annotators --seniority A,B`)'}
          .
        </p>
      )}
      {s.labelSource === 'all' &&
        names.map((a) => (
          <label key={a} title={`Weight of ${a}'s spans in training (their confidence × this)`}>
            Weight {a}
            <input
              type="number"
              min={0}
              max={1}
              step={0.1}
              value={weight(a)}
              data-testid={`train-weight-${a}`}
              onChange={(e) => {
                const v = Number(e.target.value);
                if (e.target.value !== '' && v >= 0 && v <= 1) update({ annotatorWeights: { ...s.annotatorWeights, [a]: v } });
              }}
            />
          </label>
        ))}
    </>
  );
}

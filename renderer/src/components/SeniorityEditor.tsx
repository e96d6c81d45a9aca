/**
 * The project's annotator seniority (issue #12, point 4): who wins a consensus tie that confidence
 * leaves open. Lists every annotator, the set order first (then the rest by name, as the consensus
 * ranks them); ↑ moves one up and saves at once (`annotators.setSeniority`).
 */
import { useCallback, useEffect, useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { AnnotatorsInfo } from '../api/types.ts';
import { ErrorBox } from './ErrorBox.tsx';

/** The order consensus uses: the stored seniority, then everyone else by name. */
export function effectiveOrder(info: AnnotatorsInfo): string[] {
  const rest = info.annotators
    .map((a) => a.annotator)
    .filter((a) => !info.seniority.includes(a))
    .sort();
  return [...info.seniority, ...rest];
}

export function SeniorityEditor({ version, onChanged }: { version: number; onChanged?(): void }) {
  const [info, setInfo] = useState<AnnotatorsInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(async () => {
    try {
      setInfo(await call('annotators.list', {}));
    } catch (e) {
      setError(toApiError(e));
    }
  }, []);
  useEffect(() => void load(), [load, version]);
  if (!info) return error ? <ErrorBox error={error} /> : null;
  const order = effectiveOrder(info);
  const moveUp = async (i: number) => {
    const next = order.slice();
    [next[i - 1], next[i]] = [next[i], next[i - 1]];
    try {
      setInfo(await call('annotators.setSeniority', { order: next }));
      setError(null);
      onChanged?.();
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <div className="small" data-testid="seniority">
      <span className="muted" title="Breaks a consensus tie (per bar) that confidence leaves open: the senior annotator's side wins">
        Seniority{info.seniority.length ? '' : ' (not set: by name)'}:
      </span>{' '}
      {order.map((a, i) => (
        <span key={a} data-testid="seniority-item" data-annotator={a}>
          {i > 0 && (
            <button className="link" onClick={() => void moveUp(i)} title={`Make ${a} more senior than ${order[i - 1]}`} data-testid={`seniority-up-${a}`}>
              ↑
            </button>
          )}
          {a}
          {i < order.length - 1 ? ' > ' : ''}
        </span>
      ))}
      <ErrorBox error={error} />
    </div>
  );
}

import type { TaskProgress } from '../state/progress.ts';

/** Determinate when the fraction is known, an animated stripe otherwise. */
export function ProgressBar({ task }: { task: TaskProgress }) {
  const pct = task.fraction == null ? null : Math.round(task.fraction * 100);
  return (
    <div className="progress" data-testid={`progress-${task.task}`} role="progressbar" aria-valuenow={pct ?? undefined} aria-valuemin={0} aria-valuemax={100}>
      <div className="progress-label">
        <span>{task.message ?? task.task}</span>
        {pct != null && <span>{pct}%</span>}
      </div>
      <div className={'progress-track' + (pct == null ? ' indeterminate' : '')}>
        <div className="progress-fill" style={pct == null ? undefined : { width: `${pct}%` }} />
      </div>
    </div>
  );
}

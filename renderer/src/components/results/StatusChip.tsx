/** A run's status as a coloured chip (runs list, live panel, report header). */
const INCOMPLETE = new Set(['cancelled', 'interrupted', 'failed']);

/** Cancelled, interrupted and failed runs hold partial data: lists grey them out. */
export const isIncomplete = (status: string) => INCOMPLETE.has(status);

export function StatusChip({ status, testId }: { status: string; testId?: string }) {
  const cls = status === 'completed' ? 'ok' : status === 'running' ? 'run' : isIncomplete(status) ? 'warn' : '';
  return (
    <span className={`chip ${cls}`} data-testid={testId}>
      {status}
    </span>
  );
}

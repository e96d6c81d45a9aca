/** A labelled / unlabelled / in-conflict bar for one window set or the whole project. */
export function Meter({ labelled, total, conflicts }: { labelled: number; total: number; conflicts: number }) {
  const pct = (n: number) => (total ? `${(100 * n) / total}%` : '0%');
  return (
    <div className="meter" title={`${labelled} of ${total} labelled, ${conflicts} in conflict`}>
      <div className="meter-fill labelled" style={{ width: pct(labelled - Math.min(conflicts, labelled)) }} />
      <div className="meter-fill conflict" style={{ width: pct(Math.min(conflicts, labelled)) }} />
    </div>
  );
}

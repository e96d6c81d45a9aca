/**
 * The project's annotator seniority (issue #12, point 4; schema v7 `annotator_seniority`): an order of
 * annotators, most senior first. Consensus labels break a tie that confidence leaves open by it
 * (core/review/consensus.ts). Functions on the store's database handle and transaction (like
 * manage.ts), kept apart from project-store.ts (one job: this one table).
 */
import type { ProjectStore } from './project-store.ts';
import { StoreError } from './errors.ts';

/** Annotators from most to least senior (empty: none set; ties then go by name). */
export function getSeniority(store: ProjectStore): string[] {
  return (store.db.prepare('SELECT annotator FROM annotator_seniority ORDER BY rank').all() as Array<{ annotator: string }>).map((r) => r.annotator);
}

/** Replace the order (one transaction). A name listed twice is refused, naming it. */
export function setSeniority(store: ProjectStore, order: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const a of order) {
    if (seen.has(a)) throw new StoreError('invalid', `annotator "${a}" is listed twice in the seniority order`);
    seen.add(a);
  }
  store.transaction(() => {
    store.db.prepare('DELETE FROM annotator_seniority').run();
    const insert = store.db.prepare('INSERT INTO annotator_seniority (annotator, rank) VALUES (?, ?)');
    order.forEach((a, i) => insert.run(a, i));
  });
  return getSeniority(store);
}

/** Every annotator with a span in the project (labels.author; '' for spans from before provenance is left out), by name. */
export function listAnnotators(store: ProjectStore): Array<{ annotator: string; spans: number; windows: number }> {
  return store.db
    .prepare(
      `SELECT author AS annotator, count(*) AS spans, count(DISTINCT window_id) AS windows FROM labels WHERE author <> '' GROUP BY author ORDER BY author`,
    )
    .all() as Array<{ annotator: string; spans: number; windows: number }>;
}

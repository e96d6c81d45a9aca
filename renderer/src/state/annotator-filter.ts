/**
 * Whose spans the labelling screen shows (issue #12, point 4): everyone's together (the default, as
 * before), one annotator's, or every annotator side by side in lanes (chart/annotator-lanes-primitive.ts).
 * Pure helpers; the choice itself lives in the Workbench and is kept while windows change.
 */
import type { Label } from '../api/types.ts';

export type AnnotatorFilter = { kind: 'all' } | { kind: 'lanes' } | { kind: 'one'; name: string };

export const ALL: AnnotatorFilter = { kind: 'all' };

/** A label's annotator as the agreement view names it (labels from before provenance have none). */
export const authorOf = (l: Pick<Label, 'author'>): string => l.author || '(unknown)';

/** The select's value for a filter, and back. */
export function filterValue(f: AnnotatorFilter): string {
  return f.kind === 'one' ? `one:${f.name}` : f.kind;
}
export function parseFilterValue(v: string): AnnotatorFilter {
  if (v === 'lanes') return { kind: 'lanes' };
  if (v.startsWith('one:')) return { kind: 'one', name: v.slice(4) };
  return ALL;
}

/** The names to offer: me first, then everyone with a span here, then the one being shown (even if absent here). */
export function annotatorChoices(labels: readonly Label[], me: string | null, f: AnnotatorFilter): string[] {
  const others = [...new Set(labels.map(authorOf))].filter((a) => a !== me).sort();
  const out = me ? [me, ...others] : others;
  if (f.kind === 'one' && !out.includes(f.name)) out.push(f.name);
  return out;
}

/** The labels a filter lets through (lanes: all of them, grouped by laneGroups). */
export function filterLabels<L extends Pick<Label, 'author'>>(labels: readonly L[], f: AnnotatorFilter): L[] {
  return f.kind === 'one' ? labels.filter((l) => authorOf(l) === f.name) : [...labels];
}

/** One group per annotator with spans in the window (me first, then by name); me gets a lane even with none. */
export function laneGroups<L extends Pick<Label, 'author'>>(labels: readonly L[], me: string | null): Array<{ name: string; labels: L[] }> {
  const names = annotatorChoices(labels as unknown as Label[], me, ALL);
  return names.map((name) => ({ name, labels: labels.filter((l) => authorOf(l) === name) }));
}

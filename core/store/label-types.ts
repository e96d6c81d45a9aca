/** Label types: the project's list of span types with colours; a type still used by labels can't be removed. */
import type { LabelType } from '../domain/types.ts';
import type { StoreConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { assertFiniteNumber } from './rows.ts';

export function listLabelTypes(c: StoreConnection): LabelType[] {
  return c.all<{ name: string; color: string; sort_order: number }>('SELECT name, color, sort_order FROM label_types ORDER BY sort_order, name').map((r) => ({
    name: r.name,
    color: r.color,
    sortOrder: r.sort_order,
  }));
}

/** Replace the set of label types. Refuses to remove a type that labels still use. */
export function setLabelTypes(c: StoreConnection, types: LabelType[]): void {
  const names = new Set<string>();
  for (const t of types) {
    if (typeof t.name !== 'string' || t.name.trim() === '') throw new StoreError('invalid', 'Label type names must be non-empty');
    if (names.has(t.name)) throw new StoreError('invalid', `Label type "${t.name}" is listed twice`);
    if (typeof t.color !== 'string' || t.color === '') throw new StoreError('invalid', `Label type "${t.name}" needs a colour`);
    assertFiniteNumber(`Label type "${t.name}" sortOrder`, t.sortOrder);
    names.add(t.name);
  }
  c.transaction(() => {
    for (const old of listLabelTypes(c)) {
      if (names.has(old.name)) continue;
      const used = c.get1<{ n: number }>('SELECT count(*) AS n FROM labels WHERE type = ?', old.name)!;
      if (used.n > 0) {
        throw new StoreError('type-in-use', `Label type "${old.name}" is used by ${used.n} label(s); change or delete them before removing the type`);
      }
      c.run('DELETE FROM label_types WHERE name = ?', old.name);
    }
    for (const t of types) {
      c.run(
        'INSERT INTO label_types (name, color, sort_order) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET color = excluded.color, sort_order = excluded.sort_order',
        t.name,
        t.color,
        t.sortOrder,
      );
    }
  });
}

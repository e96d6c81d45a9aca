/**
 * SQL stays in core/store (docs/ARCHITECTURE.md, Storage): no module elsewhere in core/ or a host
 * loads better-sqlite3, except the service's error map, which only tells SQLite's errors apart.
 * Reads the real tree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
/** Outside core/store, with why. */
const ALLOWED: Record<string, string> = {
  'core/service/error-map.ts': 'maps SqliteError (busy, read-only) to error codes; runs no SQL',
};

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(p);
    return e.isFile() && /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** import/export … from 'better-sqlite3', or import('better-sqlite3'), not counting `import type`. */
const LOADS_SQLITE =
  /(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+['"]better-sqlite3['"]|import\(\s*['"]better-sqlite3['"]\s*\)|require\(\s*['"]better-sqlite3['"]\s*\)/;

describe('SQL lives in core/store', () => {
  it('no module outside core/store loads better-sqlite3 (but the error map)', () => {
    const files = ['core', 'server', 'electron', 'cli', 'renderer/src'].flatMap((d) => tsFiles(path.join(ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
      .filter((rel) => !rel.startsWith('core/store/') && !ALLOWED[rel])
      .filter((rel) => LOADS_SQLITE.test(fs.readFileSync(path.join(ROOT, rel), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('recognises the ways a module loads it, and not a type import', () => {
    expect(LOADS_SQLITE.test("import Database from 'better-sqlite3';")).toBe(true);
    expect(LOADS_SQLITE.test("const m = await import('better-sqlite3');")).toBe(true);
    expect(LOADS_SQLITE.test("import type Database from 'better-sqlite3';")).toBe(false);
    expect(LOADS_SQLITE.test(' * a process that cannot load better-sqlite3 itself')).toBe(false);
  });
});

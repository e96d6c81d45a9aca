/**
 * Which projects a browser page may ask the host to open, and the host's recent-projects list.
 *
 * The rule (issue #14): a page never names a file path. It names either
 * - a project by name (`{ name }`: letters, digits, space, `_ . -`, no slash), which lives in the
 *   user's projects folder `~/.candlemark/projects/<name>.candlemark` (created by "New project…"), or
 * - an entry of the recent list (`{ path }` must be exactly one the list holds). Only the host puts
 *   paths there: the project it started on (`--project`, `CANDLEMARK_PROJECT`, the demo file, all
 *   typed by the user on the host's own command line) and the projects it has since opened.
 * So a page (or a script holding the token) can't open `/etc/passwd`, a FIFO or a folder: it can
 * only reach `.candlemark` files in the projects folder or paths the user already chose. What is
 * reached is then opened by the store, whose open errors (a folder, not a regular file, not a
 * project) are answered as they are.
 *
 * The recent list is `~/.candlemark/recent.json` (`{ "recent": [absolute paths] }`, most recent
 * first, at most MAX_RECENT), written atomically with mode 0600 (it lists the user's files); a
 * missing or damaged file means an empty list.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../core/service/atomic-write.ts';
import { CandlemarkError } from '../core/service/errors.ts';

export const MAX_RECENT = 10;
export const PROJECT_EXT = '.candlemark';
/** A project's name: starts with a letter or digit, then letters, digits, space, `_`, `.`, `-`; no path. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

/** `~/.candlemark`: the host's own small files (hosts.json, recent.json) and the projects folder. */
export function dataDir(): string {
  return path.join(os.homedir(), '.candlemark');
}

export function projectsDir(base = dataDir()): string {
  return path.join(base, 'projects');
}

export function recentFile(base = dataDir()): string {
  return path.join(base, 'recent.json');
}

/** The recent list as stored, keeping only absolute paths (a hand-edited file can't inject anything else). */
export function readRecent(file = recentFile()): string[] {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { recent?: unknown };
    if (!Array.isArray(raw.recent)) return [];
    const ok = raw.recent.filter((p): p is string => typeof p === 'string' && p.length > 0 && p.length < 4096 && path.isAbsolute(p) && !p.includes('\0'));
    return [...new Set(ok)].slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

/** Puts `projectPath` first in the recent list and saves it (atomically, 0600). Returns the new list. */
export function addRecent(projectPath: string, file = recentFile()): string[] {
  const p = path.resolve(projectPath);
  const list = [p, ...readRecent(file).filter((r) => r !== p)].slice(0, MAX_RECENT);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, JSON.stringify({ recent: list }, null, 2) + '\n', 0o600);
  return list;
}

/** A project name checked against NAME_RE, with the extension added when missing. */
export function projectFileName(name: unknown): string {
  if (typeof name !== 'string')
    throw new CandlemarkError('invalid-arguments', 'name: expected a project name', [{ field: 'name', message: 'expected a string' }]);
  const base = name.trim().endsWith(PROJECT_EXT) ? name.trim().slice(0, -PROJECT_EXT.length) : name.trim();
  if (!NAME_RE.test(base) || base.includes('..')) {
    throw new CandlemarkError(
      'invalid-arguments',
      `name: "${name.slice(0, 80)}" is not a project name (1–64 letters, digits, spaces, "_", "." or "-", starting with a letter or digit; no folders)`,
      [{ field: 'name', message: 'letters, digits, spaces, "_", "." or "-"' }],
    );
  }
  return base + PROJECT_EXT;
}

export interface ProjectRequest {
  path: string;
  create: boolean;
}

/**
 * What a page's request resolves to, under the rule above. `create` only for a name (New project…),
 * refused when that project exists (so New never silently opens old work).
 */
export function resolveProjectRequest(args: unknown, opts: { create: boolean; base?: string }): ProjectRequest {
  const a = (args ?? {}) as { name?: unknown; path?: unknown };
  const base = opts.base ?? dataDir();
  if (opts.create || a.name !== undefined) {
    const file = path.join(projectsDir(base), projectFileName(a.name));
    if (opts.create && fs.existsSync(file))
      throw new CandlemarkError('conflict', `a project named "${path.basename(file, PROJECT_EXT)}" already exists in ${projectsDir(base)}: open it instead`);
    if (!opts.create && !fs.existsSync(file))
      throw new CandlemarkError('not-found', `no project named "${path.basename(file, PROJECT_EXT)}" in ${projectsDir(base)}`);
    return { path: file, create: opts.create };
  }
  if (typeof a.path !== 'string')
    throw new CandlemarkError('invalid-arguments', 'expected { name } (a project in the projects folder) or { path } (one of the recent projects)', [
      { field: 'path', message: 'expected a string' },
    ]);
  const wanted = path.resolve(a.path);
  if (!readRecent(recentFile(base)).includes(wanted)) {
    throw new CandlemarkError(
      'forbidden',
      `${a.path.slice(0, 200)} is not one of the recent projects: a page opens only projects in ${projectsDir(base)} or the recent list (start the host with --project to add another)`,
    );
  }
  return { path: wanted, create: false };
}

export interface ProjectEntry {
  name: string;
  path: string;
  /** The file is there now (a recent project may have been moved or deleted). */
  exists: boolean;
}

function entry(p: string): ProjectEntry {
  return { name: path.basename(p, PROJECT_EXT), path: p, exists: fs.existsSync(p) };
}

/** The project menu's contents: the recent list and the `.candlemark` files of the projects folder. */
export function listProjects(current: string, base = dataDir()): { current: ProjectEntry; recent: ProjectEntry[]; folder: string; inFolder: ProjectEntry[] } {
  const folder = projectsDir(base);
  let names: string[] = [];
  try {
    names = fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith(PROJECT_EXT))
      .map((d) => d.name)
      .sort();
  } catch {
    names = [];
  }
  return {
    current: entry(path.resolve(current)),
    recent: readRecent(recentFile(base)).map(entry),
    folder,
    inFolder: names.map((n) => entry(path.join(folder, n))),
  };
}

/**
 * The desktop app's own small state (not project data): recent projects, window bounds, theme.
 * Kept in `<userData>/settings.json`, written atomically (temp file + fsync + rename) so a crash
 * never leaves a half-written file; a missing or corrupt file means defaults.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WindowBounds } from './window.ts';
import { writeFileAtomic } from '../core/service/atomic-write.ts';

export type ThemeSource = 'system' | 'light' | 'dark';

export interface AppSettings {
  recent: string[];
  bounds: WindowBounds | null;
  theme: ThemeSource;
}

export const MAX_RECENT = 10;
export const SETTINGS_FILE = 'settings.json';

export function defaultSettings(): AppSettings {
  return { recent: [], bounds: null, theme: 'system' };
}

function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** Accepts only well-formed values, field by field (a hand-edited file can't crash the app). */
export function sanitizeSettings(raw: unknown): AppSettings {
  const s = defaultSettings();
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Record<string, unknown>;
  if (Array.isArray(r.recent)) {
    s.recent = [...new Set(r.recent.filter((p): p is string => typeof p === 'string' && p.length > 0 && p.length < 4096 && path.isAbsolute(p)))].slice(
      0,
      MAX_RECENT,
    );
  }
  const b = r.bounds as Record<string, unknown> | null | undefined;
  if (b && typeof b === 'object' && finite(b.width) && finite(b.height) && b.width > 0 && b.height > 0) {
    s.bounds = { width: Math.round(b.width), height: Math.round(b.height), maximized: b.maximized === true };
    if (finite(b.x) && finite(b.y)) Object.assign(s.bounds, { x: Math.round(b.x), y: Math.round(b.y) });
  }
  if (r.theme === 'light' || r.theme === 'dark' || r.theme === 'system') s.theme = r.theme;
  return s;
}

export function loadSettings(dir: string): AppSettings {
  try {
    return sanitizeSettings(JSON.parse(fs.readFileSync(path.join(dir, SETTINGS_FILE), 'utf8')));
  } catch {
    return defaultSettings();
  }
}

export function saveSettings(dir: string, settings: AppSettings): void {
  fs.mkdirSync(dir, { recursive: true });
  // Private to the user: it lists recent project paths.
  writeFileAtomic(path.join(dir, SETTINGS_FILE), JSON.stringify(sanitizeSettings(settings), null, 2) + '\n', 0o600);
}

/** Most recent first, no duplicates, at most MAX_RECENT. */
export function addRecent(recent: string[], projectPath: string): string[] {
  const p = path.resolve(projectPath);
  return [p, ...recent.filter((r) => r !== p)].slice(0, MAX_RECENT);
}

/** The project named on a command line (`electron . file.candlemark`, or a second instance's argv). */
export function projectArgument(argv: readonly string[], cwd: string): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const a = argv[i];
    if (typeof a === 'string' && !a.startsWith('-') && a.toLowerCase().endsWith('.candlemark')) return path.resolve(cwd, a);
  }
  return null;
}

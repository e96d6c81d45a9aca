/**
 * Which folder a host serves the UI from: the built React renderer (`renderer/dist`, made by
 * `npx vite build --config renderer/vite.config.ts`) when it exists, else the small overview page
 * in `server/static/` that works with the same API (and the Electron preload bridge).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIST = path.join(REPO_ROOT, 'renderer', 'dist');
export const FALLBACK_STATIC = path.join(REPO_ROOT, 'server', 'static');

export interface StaticDirChoice {
  dir: string;
  /** True when the React renderer is served; false for the fallback overview page. */
  renderer: boolean;
}

/** `CANDLEMARK_UI=static` forces the fallback page (bin/start.js sets it when a renderer build fails). */
export function resolveStaticDir(rendererDist = RENDERER_DIST, fallback = FALLBACK_STATIC): StaticDirChoice {
  if (process.env.CANDLEMARK_UI !== 'static' && fs.existsSync(path.join(rendererDist, 'index.html'))) return { dir: rendererDist, renderer: true };
  return { dir: fallback, renderer: false };
}

#!/usr/bin/env node
// `npm start`: builds the renderer when its build is missing or older than its sources, then opens
// the desktop app when the Electron binary is installed; where it isn't (as on machines that
// cannot download it), says so plainly and starts the browser host instead, printing its URL.
// In development the app runs each project in a Node child process (CANDLEMARK_NODE, set here to
// this Node, the one better-sqlite3 was built for; see electron/project-process.ts).
//
// Environment: CANDLEMARK_BROWSER=1 forces the browser host; CANDLEMARK_SKIP_RENDERER_BUILD=1 skips
// the renderer build check. Arguments are passed on (`npm start -- file.candlemark`; the browser
// host takes `--project FILE --port N`).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RENDERER = path.join(ROOT, 'renderer');
const VITE_CONFIG = path.join(RENDERER, 'vite.config.ts');
const DIST_INDEX = path.join(RENDERER, 'dist', 'index.html');

/** Newest modification time of the renderer's sources (not its build output). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.isFile()) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureRenderer() {
  if (process.env.CANDLEMARK_SKIP_RENDERER_BUILD === '1') return;
  if (!fs.existsSync(VITE_CONFIG)) {
    console.log('No renderer sources (renderer/vite.config.ts) yet: the app shows the overview page from server/static.');
    return;
  }
  const built = fs.existsSync(DIST_INDEX) ? fs.statSync(DIST_INDEX).mtimeMs : 0;
  const sources = Math.max(newestSource(RENDERER), fs.statSync(path.join(ROOT, 'package.json')).mtimeMs);
  if (built && built >= sources) return;
  console.log(built ? 'The renderer changed since its last build: building it …' : 'Building the renderer (first start) …');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const res = spawnSync(npx, ['vite', 'build', '--config', path.relative(ROOT, VITE_CONFIG)], {
    cwd: ROOT,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (res.status !== 0) {
    console.log(
      `The renderer build failed (${res.error ? res.error.message : `exit code ${res.status}`}): the app shows the overview page from server/static instead.`,
    );
    process.env.CANDLEMARK_UI = 'static';
  }
}

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when the download never happened.
    const bin = require('electron');
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : { missing: `no binary at ${String(bin)}` };
  } catch (err) {
    return { missing: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

ensureRenderer();
const bin = electronBinary();
let why = null;
if (process.env.CANDLEMARK_BROWSER === '1') why = 'CANDLEMARK_BROWSER=1';
else if (typeof bin !== 'string') why = `the Electron binary is missing: ${bin.missing}`;

if (!why) {
  // better-sqlite3 is built for this Node (npm install), so Electron's main process usually can't
  // load it in development: the app then serves projects from a child process running this Node.
  const env = { ...process.env, CANDLEMARK_NODE: process.env.CANDLEMARK_NODE || process.execPath };
  const child = spawn(bin, ['.', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(`Electron is not available here (${why}).`);
  console.log('Starting the browser host instead: open the URL below in a browser.');
  await import('./serve.js');
}

#!/usr/bin/env node
// `npm start`: builds the renderer when its build is missing or older than its sources, then opens
// the desktop app when the Electron binary is installed; where it isn't (as on machines that
// cannot download it), says so plainly and starts the browser host instead, printing its URL.
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
  const res = spawnSync(npx, ['vite', 'build', '--config', path.relative(ROOT, VITE_CONFIG)], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (res.status !== 0) {
    console.log(`The renderer build failed (${res.error ? res.error.message : `exit code ${res.status}`}): the app shows the overview page from server/static instead.`);
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

/**
 * better-sqlite3 is a native module built for one runtime: Node's (npm install) or Electron's
 * (electron-builder install-app-deps). Check it loads inside Electron before opening a window.
 */
function nativeModulesProblem(bin) {
  const probe = "const D=require('better-sqlite3');new D(':memory:').close()";
  const res = spawnSync(bin, ['-e', probe], { cwd: ROOT, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 30_000 });
  if (res.status === 0) return null;
  const text = `${res.stderr ?? ''}${res.error ? res.error.message : ''}`;
  const line = text.split('\n').find((l) => /NODE_MODULE_VERSION|Error/.test(l)) ?? text.trim().split('\n')[0] ?? `exit code ${res.status}`;
  return line.trim();
}

ensureRenderer();
const bin = electronBinary();
let why = null;
if (process.env.CANDLEMARK_BROWSER === '1') why = 'CANDLEMARK_BROWSER=1';
else if (typeof bin !== 'string') why = `the Electron binary is missing: ${bin.missing}`;
else {
  const problem = nativeModulesProblem(bin);
  if (problem) {
    why = `better-sqlite3 does not load in Electron (${problem}). Rebuild it for Electron with \`npx electron-builder install-app-deps\` (then \`npm rebuild better-sqlite3\` before running the CLI or tests with Node)`;
  }
}

if (!why) {
  const child = spawn(bin, ['.', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(`Electron is not available here (${why}).`);
  console.log('Starting the browser host instead: open the URL below in a browser.');
  await import('./serve.js');
}

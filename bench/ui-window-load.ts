/**
 * Bench (UI): in Chromium, on a project with a 1,000,000-bar series cut into 128/64 windows,
 *  - window load: from "go to window N" (the URL fragment changes) to the chart showing it
 *    (the chart sets data-window-ready=<id> two animation frames after setData), ~30 random windows;
 *  - label-edit round trip: from the user's input (mouse up after a drag, or a key) to the labels
 *    and open findings being refreshed on screen (the workbench bumps data-edit-seq), ~50 edits
 *    cycling add (drag) → retype (key 2/1) → delete (Delete). The time the service itself spends in
 *    those edit calls (label write + conflict recompute, timed around service.call in this process) is
 *    reported beside it, so a slow round trip can be told apart from a slow renderer.
 * With --train, 300 windows get a label first, and the edits run while a model trains on them
 * (train.start in the host's worker thread, as in the app): the label-edit round trip while training.
 * Run: npx tsx bench/ui-window-load.ts [bars] [windowsToLoad] [edits] [--train]
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { generateSeries } from '../core/demo/index.ts';
import { CandlemarkService } from '../core/service/service.ts';
import { startHttpHost } from '../server/http-host.ts';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const TRAIN = process.argv.includes('--train');
const N = Number(positional[0] ?? 1_000_000);
const LOADS = Number(positional[1] ?? 30);
const EDITS = Number(positional[2] ?? 50);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'bench-token-0123456789abcdef';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

execSync('npx vite build --config renderer/vite.config.ts --logLevel warn', { cwd: root, stdio: 'inherit' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-uibench-'));
const service = CandlemarkService.open(path.join(dir, 'bench.candlemark'), { create: true, author: 'bench' });
const t = performance.now();
service.store.insertSeries('BENCH', 'synthetic', generateSeries({ bars: N, seed: 3 }).bars);
const set = await service.call('windows.create', { seriesId: 'BENCH', length: 128, stride: 64 });
const windows = await service.call('windows.list', { setId: set.id });
console.log(`setup: ${N.toLocaleString('en')} bars, ${windows.length.toLocaleString('en')} windows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
if (TRAIN) {
  // Something to train on: a span in 300 windows spread over the set (never the edited window).
  const step = Math.floor(windows.length / 300);
  for (let i = 0; i < 300; i++) {
    const w = windows[i * step + 1];
    const { time } = await service.call('bars.read', { seriesId: 'BENCH', from: w.startIndex, count: w.length });
    await service.call('labels.add', { windowId: w.id, startTime: time[20 + (i % 40)], endTime: time[60 + (i % 40)], type: i % 2 ? 'up' : 'down' });
  }
}
// Service time of the label edits, as the host runs them (the host runs in this process).
const editCalls = new Set(['labels.add', 'labels.update', 'labels.delete']);
const serviceMs: number[] = [];
const call = service.call.bind(service) as (name: string, args?: unknown) => Promise<unknown>;
(service as { call: typeof call }).call = async (name, args) => {
  const t0 = performance.now();
  try {
    return await call(name, args);
  } finally {
    if (editCalls.has(name)) serviceMs.push(performance.now() - t0);
  }
};
const host = await startHttpHost({ service, staticDir: path.join(root, 'renderer/dist'), token: TOKEN });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`http://127.0.0.1:${host.port}/#token=${TOKEN}`);
  await page.getByTestId('home').waitFor();

  /** In the page: change the fragment to the window and time until the chart says it shows it. */
  // Page-side code is passed as text: tsx's esbuild adds a __name() helper to named functions,
  // which doesn't exist in the page.
  const loadWindow = (id: number): Promise<number> =>
    page.evaluate(`new Promise((resolve, reject) => {
      const t0 = performance.now();
      const obs = new MutationObserver(() => {
        const chart = document.querySelector('[data-testid="chart"]');
        if (chart && chart.getAttribute('data-window-ready') === '${id}') {
          obs.disconnect();
          resolve(performance.now() - t0);
        }
      });
      obs.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-window-ready'], childList: true });
      setTimeout(() => reject(new Error('window ${id} not ready after 20 s')), 20000);
      location.hash = '#/set/${set.id}/window/${id}';
    })`);

  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const first = await loadWindow(windows[Math.floor(windows.length / 2)].id);
  const loads: number[] = [];
  for (let i = 0; i < LOADS; i++) loads.push(await loadWindow(windows[Math.floor(rnd() * windows.length)].id));

  // Edits on one window, through the real UI.
  const target = windows[Math.floor(windows.length / 3)];
  await loadWindow(target.id);
  await page.evaluate(`(() => {
    window.__edits = [];
    window.addEventListener('pointerup', () => (window.__t0 = performance.now()), true);
    window.addEventListener('keydown', () => (window.__t0 = performance.now()), true);
    const bench = document.querySelector('[data-testid="workbench"]');
    new MutationObserver(() => window.__edits.push(performance.now() - window.__t0)).observe(bench, { attributes: true, attributeFilter: ['data-edit-seq'] });
  })()`);
  const chart = page.getByTestId('chart');
  const box = (await chart.boundingBox())!;
  const g = {
    x0: Number(await chart.getAttribute('data-x0')),
    spacing: Number(await chart.getAttribute('data-bar-spacing')),
    first: Number(await chart.getAttribute('data-first-index')),
  };
  const xOf = (index: number) => box.x + g.x0 + (index - g.first) * g.spacing;
  const y = box.y + box.height * 0.3;
  // Polled from here (waitForFunction with text needs eval, which the page's CSP forbids); the
  // times themselves are taken inside the page.
  const waitEdits = async (n: number) => {
    const until = Date.now() + 20_000;
    while (((await page.evaluate('window.__edits.length')) as number) < n) {
      if (Date.now() > until) throw new Error(`edit ${n} not refreshed after 20 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  let epochsDuringEdits = 0;
  let run: { runId: number; backend: string; device: string } | null = null;
  if (TRAIN) {
    run = await service.call('train.start', { setId: set.id, epochs: 1000 });
    const firstEpoch = new Promise<void>((resolve) => {
      const off = service.events.on('training.epoch', () => {
        off();
        resolve();
      });
    });
    await firstEpoch; // the worker is past its start-up and busy training
    service.events.on('training.epoch', () => void epochsDuringEdits++);
  }
  let done = 0;
  for (let k = 0; done < EDITS; k++) {
    const a = target.startIndex + 10 + (k % 5) * 20;
    await page.mouse.move(xOf(a), y);
    await page.mouse.down();
    await page.mouse.move(xOf(a + 12), y, { steps: 4 });
    await page.mouse.up();
    await waitEdits(++done);
    if (done >= EDITS) break;
    await page.keyboard.press(k % 2 ? '1' : '2');
    await waitEdits(++done);
    if (done >= EDITS) break;
    await page.keyboard.press('Delete');
    await waitEdits(++done);
  }
  const edits = (await page.evaluate('window.__edits')) as number[];
  const epochsSeen = epochsDuringEdits;
  if (run) {
    const ended = new Promise<void>((resolve) => service.events.on('training.finished', () => resolve()));
    await service.call('train.cancel', { runId: run.runId });
    await ended;
  }

  const cpus = os.cpus();
  const version = await browser.version();
  console.log(
    `machine: ${cpus[0]?.model ?? 'unknown'} x${cpus.length}, ${os.platform()} ${os.arch()}, node ${process.version}, chromium ${version} (headless, no GPU)`,
  );
  console.log(`date: ${new Date().toISOString()}`);
  console.log(
    `series: ${N.toLocaleString('en')} bars, ${windows.length.toLocaleString('en')} windows (128/64); each view reads the window + 32 context bars each side`,
  );
  console.log(`window load, first (cold page): ${first.toFixed(1)} ms`);
  console.log(`window load, random windows: ${fmt(loads)}`);
  console.log(`label edit round trip (add/retype/delete → labels + findings on screen): ${fmt(edits)}`);
  console.log(`  of which in the service (labels.add/update/delete incl. conflict recompute): ${fmt(serviceMs)}`);
  if (run) console.log(`  while training: run ${run.runId} on ${run.backend} (${run.device}), ${epochsSeen} epochs finished during the edits`);
} finally {
  await browser.close();
  await host.close();
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

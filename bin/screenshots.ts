/**
 * `npm run screenshots`: a tour of the app's main views in both themes, so a reviewer can look at
 * the app without running it. Builds the renderer, starts the browser host on a fresh demo project
 * in a temp folder (plus a second window set, a tiny trained run and two contradictions made on
 * purpose), drives Chromium (test/helpers/chromium.ts) through Home, labelling, the conflict view,
 * the contradiction warning, training, a report, a comparison and review, and writes PNGs to
 * `screenshots/` (git-ignored). Two of them (labelling in light, review in dark) are also written to
 * `docs/screenshots/` for the README.
 * Run: npm run screenshots [-- --out DIR]
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { CandlemarkService } from '../core/service/service.ts';
import { startHttpHost } from '../server/http-host.ts';
import { requireChromium } from '../test/helpers/chromium.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
const OUT = path.resolve(root, values.out ?? 'screenshots');
const README_SHOTS = path.join(root, 'docs/screenshots');
const TOKEN = 'screenshots-token-0123456789';
const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-shots-dist-'));

execSync(`npx vite build --config renderer/vite.config.ts --logLevel warn --outDir ${dist} --emptyOutDir`, { cwd: root, stdio: 'inherit' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-shots-'));
const service = CandlemarkService.open(path.join(dir, 'tour.candlemark'), { create: true, author: 'tour' });
const demo = (await service.call('demo.create', { bars: 2048, seed: 11, contradictions: 4 })) as { setId: number; seriesId: string };
const second = await service.call('windows.create', { seriesId: demo.seriesId, length: 96, stride: 96 });
const run1 = (await service.call('train.run', { model: 'soft', setId: demo.setId, epochs: 4, seed: 1 })) as { runId: number };
const run2 = (await service.call('train.run', { model: 'crf', setId: demo.setId, epochs: 3, seed: 1 })) as { runId: number };
const host = await startHttpHost({ service, staticDir: dist, token: TOKEN });
const browser = await chromium.launch({ executablePath: requireChromium(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
fs.mkdirSync(OUT, { recursive: true });
fs.mkdirSync(README_SHOTS, { recursive: true });
const written: string[] = [];

async function snap(page: Page, name: string, readme = false) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  written.push(file);
  if (readme) fs.copyFileSync(file, path.join(README_SHOTS, `${name}.png`));
}

async function ready(page: Page, attr = 'data-window-ready') {
  await page.locator(`[data-testid="chart"][${attr}]`).waitFor();
  await page.waitForTimeout(150);
}

try {
  const firstB = (await service.call('windows.list', { setId: second.id }))[1];
  const origin = `http://127.0.0.1:${host.port}`;
  for (const theme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Page-side code as text: the Node type check has no DOM, and tsx would add a helper the page lacks.
    await page.addInitScript(`localStorage.setItem('candlemark.theme', ${JSON.stringify(theme)})`);
    await page.goto(`${origin}/#token=${TOKEN}`);
    await page.getByTestId('home').waitFor();
    await snap(page, `${theme}-01-home`);

    await page.goto(`${origin}/#/set/${second.id}/window/${firstB.id}`);
    await ready(page);
    await snap(page, `${theme}-02-labelling-with-overlapping-spans`, theme === 'light');
    await page.keyboard.press('n');
    await page.getByTestId('contradiction-warning').waitFor();
    await snap(page, `${theme}-03-contradiction-warning`);
    await page.keyboard.press('Escape');

    await page.goto(`${origin}/#/set/${demo.setId}`);
    await ready(page);
    await page.keyboard.press('c');
    await page.getByTestId('focus-banner').waitFor();
    await page.waitForTimeout(300);
    await snap(page, `${theme}-04-conflict-view`);

    await page.goto(`${origin}/#/training`);
    await page.getByTestId('runs-table').waitFor();
    await snap(page, `${theme}-05-training`);
    await page.goto(`${origin}/#/training/run/${run1.runId}`);
    await page.getByTestId('report-headline').waitFor();
    await snap(page, `${theme}-06-report`);
    await page.goto(`${origin}/#/training/compare/${run1.runId},${run2.runId}`);
    await page.getByTestId('comparison').waitFor();
    await snap(page, `${theme}-07-comparison`);

    await page.goto(`${origin}/#/set/${demo.setId}?review=${run1.runId}`);
    await ready(page, 'data-review-ready');
    await snap(page, `${theme}-08-review`, theme === 'dark');

    await page.setViewportSize({ width: 800, height: 600 });
    await page.goto(`${origin}/#/set/${demo.setId}`);
    await ready(page);
    await snap(page, `${theme}-09-labelling-800x600`);
    await page.close();
  }
  console.log(`${written.length} screenshots in ${path.relative(root, OUT) || '.'}/ (the README's two in docs/screenshots/)`);
} finally {
  await browser.close();
  await host.close();
  await service.closeGracefully();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(dist, { recursive: true, force: true });
}

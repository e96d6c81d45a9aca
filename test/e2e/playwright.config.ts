/**
 * End-to-end tests: the built renderer served by the real browser host on a fresh project,
 * driven in Chromium: CHROMIUM_PATH, Debian's /usr/bin/chromium, or Playwright's own download
 * (test/helpers/chromium.ts; none found = one line saying what to install). One worker: 2-core machines.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { requireChromium } from '../helpers/chromium.ts';

/**
 * Port, build folder and output folder can be moved by environment variables so that two
 * checkouts (or two developers' runs) on one machine don't collide; CI uses the defaults.
 */
export const E2E_PORT = Number(process.env.CANDLEMARK_E2E_PORT ?? 47613);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.resolve(REPO, process.env.CANDLEMARK_E2E_DIST ?? 'renderer/dist');
/** The renderer the webServer builds, for specs that start a host of their own (interrupted.spec.ts). */
export const E2E_DIST = DIST;
const OUT = process.env.CANDLEMARK_E2E_OUT ?? 'test-results/e2e';
export const E2E_TOKEN = 'e2e-token-not-secret';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: `../../${OUT}`,
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    viewport: { width: 1440, height: 900 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: requireChromium(),
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // Build first so the tests always run the current renderer.
    command: `npx vite build --config renderer/vite.config.ts --logLevel warn --outDir ${DIST} --emptyOutDir && npx tsx test/e2e/start-host.ts --port ${E2E_PORT} --token ${E2E_TOKEN} --static ${DIST}`,
    cwd: '../..',
    url: `http://127.0.0.1:${E2E_PORT}/index.html`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
  },
});

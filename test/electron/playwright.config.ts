/**
 * Playwright config for the Electron tests (`_electron.launch`). Run:
 *   npx playwright test -c test/electron/playwright.config.ts
 * On Linux without a display: `xvfb-run -a npx playwright test -c test/electron/playwright.config.ts`.
 * Where the Electron binary isn't installed the tests are skipped, with the reason printed.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: '../../test-results/electron',
});

/**
 * Which Chromium the browser tests drive, looked for where it is: CHROMIUM_PATH, then Debian's
 * /usr/bin/chromium (and Ubuntu's chromium-browser), then Playwright's own download (present after
 * `npx playwright install chromium`). None found: one line that says what to install.
 */
import fs from 'node:fs';
import { chromium } from '@playwright/test';

export const NO_CHROMIUM =
  'No Chromium found for the browser tests: set CHROMIUM_PATH=/path/to/chromium, install it (Debian/Ubuntu: apt install chromium), or run `npx playwright install chromium`.';

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  // Asked for one: that one or nothing (never silently another browser).
  if (env.CHROMIUM_PATH) return fs.existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  for (const c of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (fs.existsSync(c)) return c;
  let own: string | null = null;
  try {
    own = chromium.executablePath();
  } catch {
    own = null;
  }
  return own && fs.existsSync(own) ? own : null;
}

/** For Playwright configs: the path, or exit with the one line above. */
export function requireChromium(): string {
  const found = findChromium();
  if (!found) {
    console.error(process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist. ${NO_CHROMIUM}` : NO_CHROMIUM);
    process.exit(1);
  }
  return found;
}

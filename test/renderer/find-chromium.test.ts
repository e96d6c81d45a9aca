/** The browser tests find Chromium where it is, in order, and never fall back past an explicit CHROMIUM_PATH. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { findChromium } from '../helpers/chromium.ts';

it('prefers CHROMIUM_PATH, refuses a missing one, else finds a system or Playwright Chromium', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-chromium-'));
  const fake = path.join(dir, 'chrome');
  fs.writeFileSync(fake, '');
  expect(findChromium({ CHROMIUM_PATH: fake })).toBe(fake);
  expect(findChromium({ CHROMIUM_PATH: path.join(dir, 'missing') })).toBeNull();
  const found = findChromium({});
  if (fs.existsSync('/usr/bin/chromium')) expect(found).toBe('/usr/bin/chromium');
  else expect(found === null || fs.existsSync(found)).toBe(true);
  fs.rmSync(dir, { recursive: true, force: true });
});

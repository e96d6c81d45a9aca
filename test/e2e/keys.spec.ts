/**
 * Keyboard flow on its own series: next/previous window, "no span here", next unlabelled,
 * confidence keys, delete, the help overlay, and the theme toggle (remembered across a reload).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { api, barX, chartReady, drag, openApp, SHARED_DATA, shot } from './helpers.ts';

test('keys: navigate, no-span, next unlabelled, confidence, delete, help, theme', async ({ page }) => {
  const csp: string[] = [];
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && csp.push(m.text()));
  await openApp(page);
  await api(page, 'series.importText', {
    fileName: 'eurusd_1h.csv',
    text: fs.readFileSync(path.join(SHARED_DATA, 'eurusd_1h.csv'), 'utf8'),
    seriesId: 'keys-eurusd',
  });
  const set = await api<{ id: number }>(page, 'windows.create', { seriesId: 'keys-eurusd', length: 96, stride: 48 });
  const windows = await api<Array<{ id: number; startIndex: number }>>(page, 'windows.list', { setId: set.id });
  await page.reload();
  await page.getByTestId(`open-set-${set.id}`).click();
  await chartReady(page, windows[0].id);

  // ] and [ step through windows; N marks "no span here"; U jumps to the next unlabelled one.
  await page.keyboard.press(']');
  await chartReady(page, windows[1].id);
  await page.keyboard.press('n');
  await expect(page.getByTestId('window-state')).toHaveText('reviewed · no span');
  await page.keyboard.press('[');
  await chartReady(page, windows[0].id);
  await page.keyboard.press('n');
  await expect(page.getByTestId('window-state')).toHaveText('reviewed · no span');
  await page.keyboard.press('u');
  await chartReady(page, windows[2].id);
  await expect(page.getByTestId('window-state')).toHaveText('not labelled yet');

  // A span, its confidence lowered twice with '-', then deleted.
  const w = windows[2];
  await drag(page, await barX(page, w.startIndex + 30), await barX(page, w.startIndex + 50));
  await expect(page.getByTestId('span-item')).toHaveCount(1);
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  await expect(page.getByTestId('confidence-value')).toHaveText('0.80');
  await expect(page.getByTestId('span-item')).toHaveAttribute('data-confidence', '0.8');
  await shot(page, '20-confidence');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('span-item')).toHaveCount(0);

  // Help overlay.
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await shot(page, '21-help-overlay');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toHaveCount(0);

  // Dark theme, remembered.
  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await chartReady(page, w.id);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, '22-dark-workbench');
  await page.keyboard.press('c');
  await page.getByTestId('nav-home').click();
  await shot(page, '23-dark-home');
  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(csp).toEqual([]);
});

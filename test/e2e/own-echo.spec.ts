/**
 * Issue #10, point 9, in two real browser contexts on one host: page A draws a span; its call's
 * result carries the change, so A applies it and reads nothing again, and the events its edit caused
 * (stamped with A's client id) are skipped by A. Page B, another client, sees the same events and
 * re-reads, so the span appears there too. Scoped to its own demo series (the specs share one host).
 */
import { expect, test, type Page } from '@playwright/test';
import { api, barX, chartReady, drag, openApp } from './helpers.ts';

interface Win {
  id: number;
  startIndex: number;
  length: number;
  reviewed: boolean;
}

/** Every call a page sends (socket frames and POST bodies), from now on. */
function recordCalls(page: Page): string[] {
  const sent: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => void sent.push(String(f.payload))));
  page.on('request', (r) => void (r.url().endsWith('/api/call') && sent.push(r.postData() ?? '')));
  return sent;
}

const READS = /"command":"(labels\.list|conflicts\.list|labels\.history|windows\.list|labels\.overlapping)"/;

test('the editing page applies its change without re-reading and skips its own echo; another page refreshes from the event', async ({ page, browser }) => {
  const sentA = recordCalls(page);
  await openApp(page);
  const demo = await api<{ setId: number }>(page, 'demo.create', { bars: 1024, seed: 67, contradictions: 0, unlabelled: 0.5 });
  const wins = await api<Win[]>(page, 'windows.list', { setId: demo.setId });
  const labelled = new Set((await api<Array<{ windowId: number }>>(page, 'labels.list', { setId: demo.setId })).map((l) => l.windowId));
  const w = wins.find((x) => !x.reviewed && !labelled.has(x.id))!;
  expect(w, 'an unlabelled window of the demo set').toBeTruthy();

  const context = await browser.newContext();
  const pageB = await context.newPage();
  const sentB = recordCalls(pageB);
  await openApp(pageB);
  for (const p of [page, pageB]) {
    await p.goto(`/#/set/${demo.setId}/window/${w.id}`);
    await chartReady(p, w.id);
    await expect(p.getByTestId('span-item')).toHaveCount(0);
  }

  const markA = sentA.length;
  const markB = sentB.length;
  await drag(page, await barX(page, w.startIndex + 10), await barX(page, w.startIndex + 20));
  await expect(page.getByTestId('span-item')).toHaveCount(1);
  // B was told by the event (not A's client id) and read the window again.
  await expect(pageB.getByTestId('span-item')).toHaveCount(1);
  expect(
    sentB.slice(markB).some((m) => READS.test(m)),
    'page B re-read after the event',
  ).toBe(true);

  // Past the event debounce (300 ms) with margin: A sent its edit and no read of labels, findings or undo state.
  await page.waitForTimeout(1500);
  const afterEdit = sentA.slice(markA);
  expect(afterEdit.some((m) => m.includes('"command":"labels.add"'))).toBe(true);
  expect(
    afterEdit.filter((m) => READS.test(m)),
    'page A read nothing again after its own edit',
  ).toEqual([]);
  await context.close();
});

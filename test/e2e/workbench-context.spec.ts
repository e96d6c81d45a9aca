/**
 * Issue 14, points 1 and 2 (context while labelling, everything scoped to the set): a demo set
 * (labelled, with planted conflicts) and a second set cut over the same series (unlabelled).
 * In the second set: the first set's spans are drawn on the shared bars and named on hover, the
 * conflicts list and C follow this set (with an "all sets" switch), and N on a window whose bars
 * the first set marked warns before it creates a contradiction. In the first set: Ignore → Undo
 * (from its toast) → Ignore → listed under Ignored → Reopen.
 *
 * Runs after journey.spec.ts (file order: the specs share one host and project, and the journey
 * needs it empty); everything here is scoped to its own series and sets.
 */
import { expect, test } from '@playwright/test';
import { api, barX, chartReady, openApp, shot } from './helpers.ts';

interface Win {
  id: number;
  setId: number;
  startIndex: number;
  length: number;
  startTime: number;
  endTime: number;
  reviewed: boolean;
}
interface Finding {
  id: number;
  windowA: number;
  windowB: number;
  status: string;
  severity: number;
}

test('overlapping spans visible with their window, warning before N, conflicts scoped to the set, ignore → undo → reopen', async ({ page }) => {
  await openApp(page);
  const demo = await api<{ setId: number; seriesId: string }>(page, 'demo.create', { bars: 2048, seed: 53, contradictions: 4 });
  const setA = demo.setId;
  const setB = (await api<{ id: number }>(page, 'windows.create', { seriesId: 'demo-53', length: 96, stride: 96 })).id;
  const winsA = await api<Win[]>(page, 'windows.list', { setId: setA });
  const winsB = await api<Win[]>(page, 'windows.list', { setId: setB });
  const idsA = new Set(winsA.map((w) => w.id));
  const idsB = new Set(winsB.map((w) => w.id));
  const inSet = (ids: Set<number>) => (f: Finding) => ids.has(f.windowA) || ids.has(f.windowB);
  const openA = (await api<Finding[]>(page, 'conflicts.list', { status: 'open' })).filter(inSet(idsA));
  expect(openA.length, 'the demo plants conflicts in its set').toBeGreaterThan(0);

  // A window of set B whose bars set A marked with a span (set A is labelled throughout).
  const labelsA = await api<Array<{ windowId: number; startTime: number; endTime: number; type: string }>>(page, 'labels.list', { setId: setA });
  const target = winsB.find((b) => labelsA.some((l) => l.startTime >= b.startTime && l.endTime <= b.endTime))!;
  expect(target, 'a set-B window containing a set-A span').toBeTruthy();

  // 1. Set B, that window: set A's spans are drawn (faintly) and named on hover.
  await page.reload();
  await page.goto(`/#/set/${setB}/window/${target.id}`);
  await chartReady(page, target.id);
  const chart = page.getByTestId('chart');
  await expect(chart).toHaveAttribute('data-context-bands', /^[1-9]\d*$/);
  await expect(page.getByTestId('context-legend')).toContainText('overlapping window');
  const inside = labelsA.find((l) => l.startTime >= target.startTime && l.endTime <= target.endTime)!;
  const times = await api<{ from: number; time: number[] }>(page, 'bars.read', { seriesId: 'demo-53', from: target.startIndex, count: target.length });
  const barIndex = times.from + times.time.indexOf(inside.startTime);
  const p = await barX(page, barIndex);
  await page.mouse.move(p.x, p.y);
  const hover = page.getByTestId('context-hover');
  await expect(hover).toContainText(`marked in set ${setA} · window`);
  await expect(hover).toContainText('demo-53');
  await shot(page, '60-context-spans');

  // 2. Conflicts follow the set: none of set B's own, set A's counted as elsewhere; "all sets" lists them.
  await expect(page.getByTestId('conflicts-panel')).toHaveAttribute('data-scope', 'set');
  await expect(page.getByTestId('conflict-count')).toHaveText('0');
  await expect(page.getByTestId('conflicts-elsewhere')).toContainText(
    `+${(await api<Finding[]>(page, 'conflicts.list', { status: 'open' })).length} in other sets`,
  );
  await page.keyboard.press('c');
  await expect(page.getByTestId('focus-banner')).toHaveCount(0);
  await expect(page.getByTestId('toast').filter({ hasText: 'No open conflicts in this set' })).toContainText('in other sets');
  await page.getByTestId('conflicts-all-sets').check();
  await expect(page.getByTestId('finding').first()).toBeVisible();
  await expect(page.getByTestId('finding-a').first()).toContainText(/^A: set \d+ · window \d+\/\d+ · [\w-]+ · \d{4}-\d\d-\d\d/);
  await page.getByTestId('conflicts-all-sets').uncheck();
  await expect(page.getByTestId('finding')).toHaveCount(0);

  // 3. N would say "no span" where set A marked one: a warning names the window first; Cancel changes nothing.
  await page.keyboard.press('n');
  const warning = page.getByTestId('contradiction-warning');
  await expect(warning).toBeVisible();
  await expect(page.getByTestId('contradiction-list')).toContainText(`set ${setA} · window`);
  await shot(page, '61-contradiction-warning');
  await page.keyboard.press('Escape');
  await expect(warning).toHaveCount(0);
  expect((await api<Win[]>(page, 'windows.list', { setId: setB })).find((w) => w.id === target.id)!.reviewed).toBe(false);
  // Going ahead creates the contradiction, and it is this set's now.
  await page.keyboard.press('n');
  await page.getByTestId('contradiction-proceed').click();
  await expect(page.getByTestId('window-state')).toHaveText('reviewed · no span');
  await expect(page.getByTestId('conflict-count')).not.toHaveText('0');
  const openB = (await api<Finding[]>(page, 'conflicts.list', { status: 'open' })).filter(inSet(idsB));
  expect(openB.length).toBeGreaterThan(0);
  await expect(page.getByTestId('conflict-count')).toHaveText(String(openB.length));

  // Undo from another window says what it undid and goes back to the window it changed.
  await page.keyboard.press(']');
  await expect(page.getByTestId('window-title')).not.toHaveAttribute('data-window-id', String(target.id));
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('toast').filter({ hasText: 'Undid' })).toContainText(/Undid: .+ in set \d+ · window \d+\/\d+/);
  await expect(page.getByTestId('window-title')).toHaveAttribute('data-window-id', String(target.id));
  await expect(page.getByTestId('window-state')).toHaveText('not labelled yet');
  await shot(page, '64-undo-jumps-back');

  // 4. Set A: C goes to set A's conflicts only; Ignore → Undo → Ignore → Ignored → Reopen.
  await page.goto(`/#/set/${setA}`);
  await chartReady(page);
  const countA = (await api<Finding[]>(page, 'conflicts.list', { status: 'open' })).filter(inSet(idsA)).length;
  await expect(page.getByTestId('conflict-count')).toHaveText(String(countA));
  await page.keyboard.press('c');
  await expect(page.getByTestId('focus-banner')).toBeVisible();
  // The conflict is described in the same words as the windows (set, number, series, time).
  await expect(page.getByTestId('focus-description')).toContainText(
    /A \(set \d+ · window \d+\/\d+ · demo-53 · .+\) and B \(set \d+ · window \d+\/\d+ · .+\) disagree on \d{4}-/,
  );
  const focused = page.locator('[data-testid="finding"].selected');
  const findingId = Number(await focused.getAttribute('data-finding-id'));
  expect(inSet(idsA)((await api<Finding[]>(page, 'conflicts.list', {})).find((f) => f.id === findingId)!)).toBe(true);
  await page.getByTestId('ignore').click();
  await expect(page.getByTestId('conflict-count')).toHaveText(String(countA - 1));
  const toast = page.getByTestId('toast').filter({ hasText: 'Ignored' });
  await expect(toast).toContainText(/Ignored: set \d+ · window/);
  await shot(page, '62-ignored-toast');
  await toast.getByTestId('toast-action').click();
  await expect(page.getByTestId('conflict-count')).toHaveText(String(countA));
  expect((await api<Finding[]>(page, 'conflicts.list', {})).find((f) => f.id === findingId)!.status).toBe('open');

  await page.locator(`[data-testid="finding"][data-finding-id="${findingId}"] [data-testid="finding-open"]`).click();
  await page.getByTestId('ignore').click();
  await expect(page.getByTestId('conflict-count')).toHaveText(String(countA - 1));
  await page.getByTestId('ignored-conflicts').locator('summary').click();
  const row = page.locator(`[data-testid="ignored-finding"][data-finding-id="${findingId}"]`);
  await expect(row).toBeVisible();
  await shot(page, '63-ignored-list');
  await row.getByTestId('reopen').click();
  await expect(page.getByTestId('conflict-count')).toHaveText(String(countA));
  await expect(row).toHaveCount(0);
  expect((await api<Finding[]>(page, 'conflicts.list', {})).find((f) => f.id === findingId)!.status).toBe('open');
});

/** Home's "what next" (issue 14, point 3): one step, chosen from the project's counts. */
import { expect, it } from 'vitest';
import { nextStep } from '../../renderer/src/state/next-step.ts';

const counts = (o: Partial<{ windows: number; labelledWindows: number; unlabelledWindows: number; open: number; runs: number }>) => ({
  windows: o.windows ?? 10,
  labelledWindows: o.labelledWindows ?? 0,
  unlabelledWindows: o.unlabelledWindows ?? 10,
  windowsInConflict: 0,
  labels: 0,
  findings: { open: o.open ?? 0, resolved: 0, ignored: 0 },
  runs: o.runs ?? 0,
});
const s = [{ id: 'x' }] as never[];

it('walks import → windows → label → conflicts → train → review', () => {
  expect(nextStep({ series: [], windowSets: [], counts: counts({}) }).kind).toBe('import');
  expect(nextStep({ series: s, windowSets: [], counts: counts({}) }).kind).toBe('windows');
  expect(nextStep({ series: s, windowSets: s, counts: counts({}) }).kind).toBe('label');
  expect(nextStep({ series: s, windowSets: s, counts: counts({ labelledWindows: 4, unlabelledWindows: 6, open: 2 }) })).toMatchObject({
    kind: 'conflicts',
    text: expect.stringContaining('2 open conflicts'),
  });
  expect(nextStep({ series: s, windowSets: s, counts: counts({ labelledWindows: 4, unlabelledWindows: 6 }) }).kind).toBe('train');
  expect(nextStep({ series: s, windowSets: s, counts: counts({ labelledWindows: 4, unlabelledWindows: 6, runs: 1 }) }).kind).toBe('review');
});

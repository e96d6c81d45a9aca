import { describe, expect, it } from 'vitest';
import { clampSpan, moveSpan, resizeSpan, setSpanEdge, validateSpan } from '../../core/labels/span-edit.ts';
import type { IndexSpan } from '../../core/domain/types.ts';

const W = { startIndex: 100, length: 50 }; // bars 100-149
const sp = (start: number, end: number): IndexSpan => ({ start, end, type: 'up', confidence: 0.8 });

describe('span editing', () => {
  it('validateSpan', () => {
    expect(validateSpan(sp(100, 149), W)).toEqual(sp(100, 149));
    expect(() => validateSpan(sp(99, 120), W)).toThrow(/outside the window bars 100-149/);
    expect(() => validateSpan(sp(120, 110), W)).toThrow(/after its end/);
    expect(() => validateSpan(sp(110.5, 120), W)).toThrow(/integers/);
    expect(() => validateSpan({ ...sp(110, 120), confidence: -0.1 }, W)).toThrow(/confidence/);
    expect(() => validateSpan({ ...sp(110, 120), type: '' }, W)).toThrow(/type/);
    expect(() => validateSpan(sp(0, 1), { startIndex: 0, length: 0 })).toThrow(/invalid window/);
  });
  it('clampSpan', () => {
    expect(clampSpan(sp(90, 120), W)).toEqual(sp(100, 120));
    expect(clampSpan(sp(140, 170), W)).toEqual(sp(140, 149));
    expect(clampSpan(sp(110.4, 119.6), W)).toEqual(sp(110, 120));
    expect(() => clampSpan(sp(150, 160), W)).toThrow(/entirely outside/);
    expect(() => clampSpan(sp(130, 120), W)).toThrow(/after its end/);
    const original = sp(90, 120);
    clampSpan(original, W);
    expect(original).toEqual(sp(90, 120));
  });
  it('moveSpan', () => {
    expect(moveSpan(sp(110, 120), 5, W)).toEqual(sp(115, 125));
    expect(moveSpan(sp(110, 120), -10, W)).toEqual(sp(100, 110));
    expect(() => moveSpan(sp(110, 120), -11, W)).toThrow(/would leave/);
    expect(() => moveSpan(sp(110, 120), 30, W)).toThrow(/would leave/);
    expect(() => moveSpan(sp(110, 120), 0.5, W)).toThrow(/integer/);
  });
  it('resizeSpan / setSpanEdge', () => {
    expect(resizeSpan(sp(110, 120), 'end', 2, W)).toEqual(sp(110, 122));
    expect(resizeSpan(sp(110, 120), 'start', -10, W)).toEqual(sp(100, 120));
    expect(resizeSpan(sp(110, 120), 'start', 10, W)).toEqual(sp(120, 120));
    expect(() => resizeSpan(sp(110, 120), 'start', 11, W)).toThrow(/cross the other edge/);
    expect(() => resizeSpan(sp(110, 120), 'end', 30, W)).toThrow(/would leave/);
    expect(() => resizeSpan(sp(110, 120), 'middle' as 'end', 1, W)).toThrow(/edge must be/);
    expect(setSpanEdge(sp(110, 120), 'end', 149, W)).toEqual(sp(110, 149));
    expect(setSpanEdge(sp(110, 120), 'start', 101, W)).toEqual(sp(101, 120));
    expect(() => setSpanEdge(sp(110, 120), 'start', 121, W)).toThrow(/cross/);
  });
  it('works window-relative too', () => {
    expect(moveSpan(sp(0, 3), 124, { startIndex: 0, length: 128 })).toEqual(sp(124, 127));
  });
});

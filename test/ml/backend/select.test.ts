import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { tf } from '../../../core/ml/backend/tf.ts';

async function hasPackage(name: string): Promise<boolean> {
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

describe('selectBackend', () => {
  it('selects cpu explicitly', async () => {
    const r = await selectBackend('cpu');
    expect(r.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(r.device).toMatch(/CPU/);
    expect(r.tried).toEqual([{ name: 'cpu', ok: true }]);
  });

  it('selects wasm explicitly and describes it', async () => {
    const r = await selectBackend('wasm');
    expect(r.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.device).toMatch(/^CPU \(wasm( SIMD)?, \d+ threads?\)$/);
    // the backend computes
    const s = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]);
    expect(s).toBe(6);
  });

  it('fails clearly when an explicitly requested native backend is missing', async () => {
    if (await hasPackage('@tensorflow/tfjs-node')) return; // installed here: nothing to check
    await expect(selectBackend('tensorflow')).rejects.toThrow(/Backend "tensorflow" is unavailable/);
  });

  it('auto picks the first available backend in speed order and records what it tried', async () => {
    const r = await selectBackend('auto');
    expect(r.tried.length).toBeGreaterThanOrEqual(1);
    const last = r.tried[r.tried.length - 1];
    expect(last.ok).toBe(true);
    for (const t of r.tried.slice(0, -1)) {
      expect(t.ok).toBe(false);
      expect(t.reason).toBeTruthy();
    }
    const order = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
    expect(r.tried.map((t) => t.name)).toEqual(order.slice(0, r.tried.length));
    if (!(await hasPackage('@tensorflow/tfjs-node')) && !(await hasPackage('@tensorflow/tfjs-node-gpu'))) {
      expect(r.backend).toBe('wasm');
    }
  });
});

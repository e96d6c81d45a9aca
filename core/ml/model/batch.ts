import { tf } from '../backend/tf.ts';
import type { Batch, BatchTargets, ModelSpec } from './types.ts';

/** Build a batch from row-major features [B*T*F] and one targets object per window. */
export function makeBatch(x: Float32Array, targets: BatchTargets[], spec: ModelSpec): Batch {
  const B = targets.length;
  const T = spec.windowLength;
  const F = spec.featureCount;
  if (x.length !== B * T * F) throw new Error(`makeBatch: x has ${x.length} values, expected ${B}×${T}×${F} = ${B * T * F}`);
  const mask = new Float32Array(B * T);
  const soft = new Float32Array(B * T);
  const cd = new Float32Array(B * T);
  const start = new Int32Array(B);
  const end = new Int32Array(B);
  const typeIndex = new Int32Array(B);
  const hasSpan = new Float32Array(B);
  const weight = new Float32Array(B);
  const cdMask = new Float32Array(B * T);
  const barWeight = new Float32Array(B * T);
  targets.forEach((t, b) => {
    if (t.mask.length !== T || t.softMask.length !== T || t.countdown.length !== T) {
      throw new Error(`makeBatch: targets ${b} have length ${t.mask.length}, expected ${T}`);
    }
    mask.set(t.mask, b * T);
    soft.set(t.softMask, b * T);
    cd.set(t.countdown, b * T);
    const has = t.hasSpan && t.start >= 0 && t.end >= t.start && t.end < T;
    // An edge of a span that continues past the window is unknown: -1 one-hots to zeros (no loss).
    start[b] = has && t.startKnown !== false ? t.start : -1;
    end[b] = has && t.endKnown !== false ? t.end : -1;
    typeIndex[b] = has && t.typeIndex >= 0 && t.typeIndex < spec.typeCount ? t.typeIndex : -1;
    hasSpan[b] = has ? 1 : 0;
    weight[b] = Number.isFinite(t.weight) ? Math.max(0, t.weight) : 1;
    if (t.countdownMask && t.countdownMask.length !== T)
      throw new Error(`makeBatch: targets ${b} countdownMask has length ${t.countdownMask.length}, expected ${T}`);
    if (t.barWeight && t.barWeight.length !== T) throw new Error(`makeBatch: targets ${b} barWeight has length ${t.barWeight.length}, expected ${T}`);
    for (let i = 0; i < T; i++) {
      cdMask[b * T + i] = t.countdownMask ? t.countdownMask[i] : t.mask[i] > 0.5 ? 1 : 0;
      const bw = t.barWeight ? t.barWeight[i] : weight[b];
      barWeight[b * T + i] = Number.isFinite(bw) ? Math.max(0, bw) : 1;
    }
  });
  return {
    x: tf.tensor3d(x, [B, T, F]),
    targets: {
      mask: tf.tensor2d(mask, [B, T]),
      softMask: tf.tensor2d(soft, [B, T]),
      start: tf.tensor1d(start, 'int32'),
      end: tf.tensor1d(end, 'int32'),
      typeIndex: tf.tensor1d(typeIndex, 'int32'),
      hasSpan: tf.tensor1d(hasSpan),
      countdown: tf.tensor2d(cd, [B, T]),
      weight: tf.tensor1d(weight),
      countdownMask: tf.tensor2d(cdMask, [B, T]),
      barWeight: tf.tensor2d(barWeight, [B, T]),
    },
  };
}

export function disposeBatch(b: Batch): void {
  b.x.dispose();
  for (const t of Object.values(b.targets)) t.dispose();
}

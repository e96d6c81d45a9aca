/**
 * Per-feature standardisation. Fit on TRAINING windows only (never validation) and save the
 * result with the model so inference uses the same statistics.
 */
export interface Normalizer {
  mean: number[];
  std: number[];
}

/**
 * Fit mean/std per feature from row-major feature rows ([rows × F] or a list of such blocks,
 * e.g. one Float32Array per training window). Non-finite values are ignored; a constant feature
 * gets std 1 so applying the normaliser never divides by ~0.
 */
export function fitNormalizer(rows: Float32Array | readonly Float32Array[], featureCount: number): Normalizer {
  const F = featureCount;
  if (!Number.isInteger(F) || F <= 0) throw new Error('featureCount must be a positive integer');
  const blocks = rows instanceof Float32Array ? [rows] : rows;
  const sum = new Float64Array(F);
  const cnt = new Float64Array(F);
  for (const b of blocks) {
    if (b.length % F !== 0) throw new Error(`feature block length ${b.length} is not a multiple of ${F}`);
    for (let i = 0; i < b.length; i++) {
      const v = b[i];
      if (Number.isFinite(v)) {
        sum[i % F] += v;
        cnt[i % F]++;
      }
    }
  }
  const mean = Array.from(sum, (s, f) => (cnt[f] > 0 ? s / cnt[f] : 0));
  const sq = new Float64Array(F);
  for (const b of blocks) {
    for (let i = 0; i < b.length; i++) {
      const v = b[i];
      if (Number.isFinite(v)) sq[i % F] += (v - mean[i % F]) ** 2;
    }
  }
  const std = Array.from(sq, (s, f) => {
    const sd = cnt[f] > 1 ? Math.sqrt(s / cnt[f]) : 0;
    return sd > 1e-8 ? sd : 1;
  });
  return { mean, std };
}

/**
 * (x - mean) / std per feature, clipped to ±clip (outliers must not dominate a small model);
 * non-finite inputs become 0. Returns a new array unless `inPlace`.
 */
export function applyNormalizer(x: Float32Array, norm: Normalizer, opts: { clip?: number; inPlace?: boolean } = {}): Float32Array {
  const F = norm.mean.length;
  if (norm.std.length !== F) throw new Error('normalizer mean/std length mismatch');
  if (x.length % F !== 0) throw new Error(`input length ${x.length} is not a multiple of ${F} features`);
  const clip = opts.clip ?? 10;
  const out = opts.inPlace ? x : new Float32Array(x.length);
  const inv = norm.std.map((s) => 1 / s);
  for (let i = 0; i < x.length; i++) {
    const f = i % F;
    const v = (x[i] - norm.mean[f]) * inv[f];
    out[i] = Number.isFinite(v) ? Math.max(-clip, Math.min(clip, v)) : 0;
  }
  return out;
}

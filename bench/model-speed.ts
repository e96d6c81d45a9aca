/**
 * Training speed of the span models: s/epoch on 168 windows × 128 bars × 12 features, Adam,
 * after one warm-up epoch. Wall-clock s/epoch is the headline; process CPU time is printed too
 * because it is robust to other processes sharing the machine.
 * Run: npx tsx bench/model-speed.ts [--epochs N] [--batch B] [--hidden H] [--backends wasm,cpu]
 *        [--configs soft+conv,crf+conv] [--crf fused,tf]
 */
import os from 'node:os';
import { selectBackend } from '../core/ml/backend/index.ts';
import { tf } from '../core/ml/backend/tf.ts';
import { computeWindowFeatures, DEFAULT_FEATURES, fitNormalizer, applyNormalizer } from '../core/ml/features/index.ts';
import { countParams, createSpanModel, disposeBatch, makeBatch } from '../core/ml/model/index.ts';
import type { Batch, BatchTargets, CrfImpl, EncoderKind, HeadKind, ModelSpec } from '../core/ml/model/index.ts';
import type { BarColumns } from '../core/domain/types.ts';
import { mulberry32 as rng } from '../core/shared/random.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const EPOCHS = Number(arg('epochs', '3'));
const BATCH = Number(arg('batch', '16'));
const WINDOWS = 168;
const T = 128;
const HIDDEN = Number(arg('hidden', '32'));
const onlyConfigs = arg('configs', '');
const backends = arg('backends', 'wasm,cpu').split(',');
const crfImpls = arg('crf', 'fused').split(',') as CrfImpl[];

/** A random-walk series with occasional trending bursts, and windows with spans on the bursts. */
function syntheticData(): { x: Float32Array; targets: BatchTargets[] } {
  const r = rng(7);
  const N = WINDOWS * T + 200;
  const bars: BarColumns = {
    time: new Float64Array(N),
    open: new Float64Array(N),
    high: new Float64Array(N),
    low: new Float64Array(N),
    close: new Float64Array(N),
    volume: new Float64Array(N),
  };
  let p = 100;
  for (let i = 0; i < N; i++) {
    const burst = Math.floor(i / 40) % 5 === 0 ? 0.004 : 0;
    const o = p;
    p = p * Math.exp(burst + (r() - 0.5) * 0.01);
    bars.time[i] = i * 60_000;
    bars.open[i] = o;
    bars.close[i] = p;
    bars.high[i] = Math.max(o, p) * (1 + r() * 0.003);
    bars.low[i] = Math.min(o, p) * (1 - r() * 0.003);
    (bars.volume as Float64Array)[i] = 1000 + r() * 500 + (burst ? 800 : 0);
  }
  const starts = Array.from({ length: WINDOWS }, (_, w) => 200 + w * T);
  const raw = computeWindowFeatures(bars, DEFAULT_FEATURES, starts, T);
  const x = applyNormalizer(raw, fitNormalizer(raw, DEFAULT_FEATURES.length));
  const targets: BatchTargets[] = starts.map((s0) => {
    const mask = new Float32Array(T);
    const soft = new Float32Array(T);
    const cd = new Float32Array(T);
    let first = -1;
    let last = -1;
    for (let t = 0; t < T; t++) {
      if (Math.floor((s0 + t) / 40) % 5 === 0) {
        mask[t] = 1;
        if (first < 0) first = t;
        last = t;
      }
    }
    for (let t = 0; t < T; t++) {
      if (!mask[t]) continue;
      soft[t] = Math.min(1, (Math.min(t - first, last - t) + 1) / 4);
      cd[t] = last - t;
    }
    const has = first >= 0;
    return { hasSpan: has, start: first, end: last, typeIndex: has ? 0 : -1, mask, softMask: soft, countdown: cd, weight: 0.5 + r() * 0.5 };
  });
  return { x, targets };
}

async function main(): Promise<void> {
  const data = syntheticData();
  const F = DEFAULT_FEATURES.length;
  const configs: Array<[HeadKind, EncoderKind]> = [
    ['soft', 'conv'],
    ['crf', 'conv'],
    ['soft', 'conv-attn'],
    ['crf', 'conv-attn'],
  ];
  console.log(`# model-speed  ${new Date().toISOString()}`);
  console.log(`# machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, node ${process.version}, ${os.platform()} ${os.arch()}`);
  console.log(`# data: ${WINDOWS} windows × ${T} bars × ${F} features, batch ${BATCH}, hidden ${HIDDEN}, Adam 1e-3, ${EPOCHS} timed epochs after 1 warm-up`);
  const rows: string[] = [];
  for (const be of backends) {
    const sel = await selectBackend(be as 'wasm' | 'cpu');
    console.log(`# backend: ${sel.backend} — ${sel.device}`);
    for (const [head, encoder] of configs) {
      const name = `${head}+${encoder}`;
      if (onlyConfigs && !onlyConfigs.split(',').includes(name)) continue;
      // cpu: only the default model (soft+conv), it is the slow fallback.
      if (be === 'cpu' && !onlyConfigs && name !== 'soft+conv') continue;
      for (const impl of head === 'crf' ? crfImpls : (['fused'] as CrfImpl[])) {
        const spec: ModelSpec = { head, encoder, featureCount: F, windowLength: T, typeCount: 2, hidden: HIDDEN, seed: 1 };
        const model = createSpanModel(spec, { crfImpl: impl });
        const opt = tf.train.adam(1e-3);
        const batches: Batch[] = [];
        for (let b0 = 0; b0 < WINDOWS; b0 += BATCH) {
          const b1 = Math.min(WINDOWS, b0 + BATCH);
          batches.push(makeBatch(data.x.subarray(b0 * T * F, b1 * T * F), data.targets.slice(b0, b1), spec));
        }
        const epoch = (): number => {
          let last = 0;
          for (const b of batches) {
            const cost = opt.minimize(() => model.loss(b, true).total, true, model.trainableVariables());
            if (cost) {
              last = cost.dataSync()[0];
              cost.dispose();
            }
          }
          return last;
        };
        const l0 = epoch();
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        let l1 = 0;
        for (let e = 0; e < EPOCHS; e++) l1 = epoch();
        const sPerEpoch = (performance.now() - t0) / 1000 / EPOCHS;
        const cu = process.cpuUsage(c0);
        const cpuPerEpoch = (cu.user + cu.system) / 1e6 / EPOCHS;
        const label = head === 'crf' ? `${name} (crf ${impl})` : name;
        const line = `${sel.backend.padEnd(5)} ${label.padEnd(28)} ${sPerEpoch.toFixed(3)} s/epoch (cpu time ${cpuPerEpoch.toFixed(3)} s)   params ${countParams(spec)}   loss ${l0.toFixed(3)} → ${l1.toFixed(3)}`;
        console.log(line);
        rows.push(line);
        batches.forEach(disposeBatch);
        opt.dispose();
        model.dispose();
      }
    }
  }
  console.log(`# tensors alive at end: ${tf.memory().numTensors}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

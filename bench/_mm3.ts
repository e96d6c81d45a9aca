import { selectBackend } from '../core/ml/backend/index.ts';
import { tf } from '../core/ml/backend/tf.ts';
await selectBackend((process.argv[2] ?? 'wasm') as 'wasm');
function bench(name: string, f: () => tf.Tensor) {
  for (let i = 0; i < 3; i++) f().dispose();
  const c0 = process.cpuUsage();
  const n = 30; for (let i = 0; i < n; i++) { const r = f(); r.dispose(); }
  const u = process.cpuUsage(c0); const cpu = (u.user + u.system) / 1000 / n;
  console.log(name.padEnd(50), 'cpu', cpu.toFixed(3), 'ms');
}
const R = (s: number[]) => tf.randomNormal(s);
const q = R([16, 128, 32]), k = R([16, 128, 32]), kc = R([16, 32, 128]), s = R([16, 128, 128]);
bench('bmm q kc nn [16:128x32x128]', () => tf.matMul(q, kc));
bench('bmm q k nt', () => tf.matMul(q, k, false, true));
bench('bmm s q nn [16:128x128x32]', () => tf.matMul(s, q));
bench('bmm s q tn', () => tf.matMul(s, q, true, false));
bench('bmm kc s nn [16:32x128x128]', () => tf.matMul(kc, s));
const h = R([32, 16, 128]);
bench('transpose [32,16,128] perm 1,0,2', () => tf.transpose(h, [1, 0, 2]));
bench('transpose [32,16,128] perm 1,2,0', () => tf.transpose(h, [1, 2, 0]));
const h2 = R([32, 2048]);
bench('transpose [32,2048]', () => tf.transpose(h2));
bench('sum [32,2048] axis1', () => tf.sum(h2, 1));
bench('sum [2048,32] axis0', () => tf.sum(tf.reshape(h2,[2048,32]), 0));
bench('softmax [16,128,128]', () => tf.softmax(s));
const big = R([160, 2048]);
bench('dataSync+JS transpose [160,2048]', () => { const d = big.dataSync() as Float32Array; const o = new Float32Array(d.length); for (let i = 0; i < 160; i++) for (let j = 0; j < 2048; j++) o[j * 160 + i] = d[i * 2048 + j]; return tf.tensor2d(o, [2048, 160]); });
bench('reshape', () => tf.reshape(big, [2048, 160]));

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
// M x K x N
for (const [M, K, N] of [[2048, 160, 32], [160, 2048, 32], [2048, 32, 160], [32, 160, 2048], [32, 2048, 160], [160, 32, 2048]]) {
  const a = R([M, K]), b = R([K, N]), aT = R([K, M]), bT = R([N, K]);
  bench(`${M}x${K}x${N} nn`, () => tf.matMul(a, b));
  bench(`${M}x${K}x${N} tn`, () => tf.matMul(aT, b, true, false));
  bench(`${M}x${K}x${N} nt`, () => tf.matMul(a, bT, false, true));
}
const x = R([2048, 160]);
bench('transpose [2048,160]', () => tf.transpose(x));
const x3 = R([16, 128, 160]);
bench('transpose [16,128,160]->[160,16,128]? perm 2,0,1', () => tf.transpose(x3, [2, 0, 1]));

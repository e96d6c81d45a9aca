import { selectBackend } from '../core/ml/backend/index.ts';
import { tf } from '../core/ml/backend/tf.ts';
await selectBackend((process.argv[2] ?? 'wasm') as 'wasm');
function bench(name: string, f: () => tf.Tensor, flops: number) {
  for (let i = 0; i < 3; i++) f().dispose();
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const n = 30; for (let i = 0; i < n; i++) { const r = f(); r.dataSync(); r.dispose(); }
  const cpu = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000 / n; const wall = (performance.now() - t0) / n;
  console.log(name.padEnd(40), 'wall', wall.toFixed(3), 'ms cpu', cpu.toFixed(3), 'ms', (flops / wall / 1e6).toFixed(2), 'GFLOP/s');
}
const a = tf.randomNormal([2048, 160]); const w = tf.randomNormal([160, 32]); const dy = tf.randomNormal([2048, 32]);
const a3 = tf.randomNormal([16, 128, 160]);
bench('A[2048,160] W[160,32]', () => tf.matMul(a, w), 2 * 2048 * 160 * 32);
bench('A^T dy (dW)', () => tf.matMul(a, dy, true, false), 2 * 2048 * 160 * 32);
bench('dy W^T (dX)', () => tf.matMul(dy, w, false, true), 2 * 2048 * 160 * 32);
const wt = tf.randomNormal([32, 160]);
bench('dy [2048,32] Wt[32,160] (no transpose)', () => tf.matMul(dy, wt), 2 * 2048 * 160 * 32);
const at = tf.randomNormal([160, 2048]);
bench('At[160,2048] dy (no transpose)', () => tf.matMul(at, dy), 2 * 2048 * 160 * 32);
bench('transpose a', () => tf.transpose(a), 1);
bench('3D a3 x w', () => tf.matMul(tf.reshape(a3,[2048,160]), w), 2 * 2048 * 160 * 32);
const x32 = tf.randomNormal([2048, 32]); const w32 = tf.randomNormal([32, 32]);
bench('[2048,32]x[32,32]', () => tf.matMul(x32, w32), 2 * 2048 * 32 * 32);
bench('mul [16,128,32]', () => tf.mul(x32, x32), 1);
bench('add [16,128,32]', () => tf.add(x32, x32), 1);
bench('sum axis0 [2048,32]', () => tf.sum(x32, 0), 1);
bench('scalar add', () => tf.add(tf.scalar(1), tf.scalar(2)), 1);

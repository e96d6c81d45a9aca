/** A second process holding a project's write lock (as a long CLI import would): test/store/service-child.ts `hold`. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './paths.ts';

const child = path.join(REPO_ROOT, 'test/store/service-child.ts');

/** Starts a process that holds `file`'s write lock for `ms`; resolves once it has the lock. `done` resolves with its output. */
export async function holdLock(file: string, ms: number): Promise<{ done: Promise<string> }> {
  const p = spawn(process.execPath, ['--import', 'tsx', child, 'hold', file, String(ms)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<string>((resolve, reject) => {
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`lock holder exited ${code}: ${err}`))));
  });
  await new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked\n')) resolve();
    });
    done.catch(reject);
  });
  return { done };
}

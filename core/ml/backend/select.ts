/**
 * Backend selection. 'auto' picks the fastest backend present:
 * tfjs-node-gpu (CUDA) → tfjs-node (native TensorFlow CPU) → wasm (SIMD) → cpu (plain JS).
 * The native packages are optional dependencies, loaded with a dynamic import() so the app
 * works when they are not installed. An explicit preference is honoured or fails clearly.
 */
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { tf } from './tf.ts';

export type BackendPreference = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendName = Exclude<BackendPreference, 'auto'>;

export interface BackendAttempt {
  name: string;
  ok: boolean;
  reason?: string;
}

export interface BackendSelection {
  /** tfjs backend name now active: 'tensorflow' (node or node-gpu), 'wasm' or 'cpu'. */
  backend: string;
  /** Human-readable description of what runs, e.g. "CPU (wasm SIMD, 1 thread)". */
  device: string;
  tried: BackendAttempt[];
}

export const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

const require = createRequire(import.meta.url);

function errText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 300);
}

/** Dynamic import through a variable so bundlers/tsc don't require the optional package. */
async function importOptional(name: string): Promise<unknown> {
  const spec: string = name;
  return import(spec);
}

function gpuName(): string | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      timeout: 3000,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const first = out
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)[0];
    return first ?? null;
  } catch {
    return null;
  }
}

let wasmPathsSet = false;
let wasmModule: typeof import('@tensorflow/tfjs-backend-wasm') | null = null;

async function loadWasm(): Promise<typeof import('@tensorflow/tfjs-backend-wasm')> {
  if (wasmModule) return wasmModule;
  const mod = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmPathsSet) {
    // The package's main entry lives in dist/; the .wasm binaries sit next to it.
    const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(entry) + path.sep;
    mod.setWasmPaths(dist);
    // Multithreading is unavailable for tfjs-wasm in Node (it reports false); the setting is
    // harmless there and used where threads are supported.
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    mod.setThreadsCount(Math.max(1, Math.min(cores, 8)));
    wasmPathsSet = true;
  }
  wasmModule = mod;
  return mod;
}

async function activate(name: BackendName): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu': {
      await importOptional('@tensorflow/tfjs-node-gpu');
      if (!tf.findBackend('tensorflow')) throw new Error('tfjs-node-gpu loaded but registered no "tensorflow" backend');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('could not initialise the tensorflow (GPU) backend');
      const g = gpuName();
      if (!g) throw new Error('tfjs-node-gpu is installed but no CUDA GPU was found (nvidia-smi)');
      return `GPU (${g}, CUDA via tfjs-node-gpu)`;
    }
    case 'tensorflow': {
      await importOptional('@tensorflow/tfjs-node');
      if (!tf.findBackend('tensorflow')) throw new Error('tfjs-node loaded but registered no "tensorflow" backend');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('could not initialise the tensorflow backend');
      return `CPU (native TensorFlow via tfjs-node, ${os.cpus().length} cores)`;
    }
    case 'wasm': {
      const mod = await loadWasm();
      if (!(await tf.setBackend('wasm'))) throw new Error('could not initialise the wasm backend');
      await tf.ready();
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const threads = mod.getThreadsCount();
      return `CPU (wasm${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'})`;
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('could not initialise the cpu backend');
      // The cpu backend prints a "install tfjs-node" banner on first use; the choice (and what was
      // tried before it) is already reported through `tried`, so silence it.
      const be = tf.backend() as unknown as { firstUse?: boolean };
      if (typeof be.firstUse === 'boolean') be.firstUse = false;
      return 'CPU (plain JavaScript, 1 thread)';
    }
  }
}

/**
 * Select and activate a tfjs backend. `auto` tries them fastest-first and keeps the first that
 * works; any other preference is tried alone and throws (with the reason) if unavailable.
 */
export async function selectBackend(pref: BackendPreference = 'auto'): Promise<BackendSelection> {
  const order: readonly BackendName[] = pref === 'auto' ? AUTO_ORDER : [pref];
  const tried: BackendAttempt[] = [];
  for (const name of order) {
    try {
      const device = await activate(name);
      tried.push({ name, ok: true });
      return { backend: tf.getBackend(), device, tried };
    } catch (e) {
      tried.push({ name, ok: false, reason: errText(e) });
    }
  }
  const detail = tried.map((t) => `${t.name}: ${t.reason ?? 'failed'}`).join('; ');
  throw new Error(pref === 'auto' ? `No tfjs backend could be initialised (${detail})` : `Backend "${pref}" is unavailable (${detail})`);
}

/**
 * Browser host latency while the project is busy (issue #10, point 4): `project.info` over POST and a
 * static file (GET /), one request in flight each, every 20 ms, against a real `bin/serve.js`:
 *
 * - idle: nothing else happening (3 s);
 * - cli-write: another process holds a write transaction on the project file for 10 s, and an edit
 *   (labels.add) is sent to the host 0.5 s into it (it waits for the lock: busy_timeout);
 * - import-text: a 1,000,000-row CSV sent to the host as `series.importText` (POST, ~65 MB body);
 * - import-cli: `candlemark import` of the same CSV in another process, on the same project file.
 *
 * Each scenario runs against the host with the project in a worker thread (the default) and, for
 * comparison, on the HTTP thread (`CANDLEMARK_HOST_SERVICE=in-thread`).
 * Run: npx tsx bench/host-latency.ts [--modes worker,in-thread] [--scenarios idle,cli-write,import-text,import-cli]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../core/shared/random.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TOKEN = 'bench-token-0123456789abcdef';
const ROWS = 1_000_000;
const POLL_MS = 20;

const { values } = parseArgs({
  options: { modes: { type: 'string', default: 'worker,in-thread' }, scenarios: { type: 'string', default: 'idle,cli-write,import-text,import-cli' } },
});
const modes = values.modes.split(',') as ('worker' | 'in-thread')[];
const scenarios = values.scenarios.split(',');

function generateCsv(path: string): void {
  const rand = mulberry32(42);
  const fd = openSync(path, 'w');
  let block: string[] = ['time,open,high,low,close,volume\n'];
  let logPrice = Math.log(100);
  let t = Date.UTC(2015, 0, 1);
  for (let i = 0; i < ROWS; i++) {
    const open = Math.exp(logPrice);
    logPrice += (rand() - 0.5) * 0.004 - (logPrice - Math.log(100)) * 0.0005;
    const close = Math.exp(logPrice);
    const high = Math.max(open, close) * (1 + rand() * 0.002);
    const low = Math.min(open, close) * (1 - rand() * 0.002);
    block.push(
      `${new Date(t).toISOString().slice(0, 19)}Z,${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${Math.floor(rand() * 10_000)}\n`,
    );
    t += 60_000;
    if (block.length === 10_000) {
      writeSync(fd, block.join(''));
      block = [];
    }
  }
  writeSync(fd, block.join(''));
  closeSync(fd);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((res) => {
    const c = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    c.on('exit', (code) => res(code ?? -1));
  });
}

function startHost(project: string, mode: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/serve.js'), '--project', project, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, CANDLEMARK_TOKEN: TOKEN, CANDLEMARK_HOST_SERVICE: mode === 'in-thread' ? 'in-thread' : '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) res({ port: Number(m[1]), child });
    });
    child.on('exit', (code) => rej(new Error(`host exited ${code}: ${out}`)));
  });
}

async function api(port: number, command: string, args: unknown): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:${port}/api/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ command, args }),
  });
  return r.json();
}

/** Polls `project.info` and `GET /` (each one at a time) until stop() is called; returns latencies in ms. */
function poll(port: number) {
  const info: number[] = [];
  const page: number[] = [];
  let stopped = false;
  let failed = 0;
  const loop = async (fn: () => Promise<unknown>, into: number[]) => {
    while (!stopped) {
      const t0 = performance.now();
      try {
        await fn();
      } catch {
        failed++; // a reset connection (a frozen host's keep-alive socket): counted, and its time kept
      }
      into.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  const done = Promise.all([loop(() => api(port, 'project.info', {}), info), loop(async () => (await fetch(`http://127.0.0.1:${port}/`)).arrayBuffer(), page)]);
  return {
    stop: async () => {
      stopped = true;
      await done;
      return { info, page, failed };
    },
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} / p99 ${pct(xs, 99).toFixed(1)} / max ${Math.max(...xs).toFixed(0)} ms (n=${xs.length})`;

/** Resolves once the other process holds the lock, with a promise of its exit (wrapped: a promise resolved with a promise would wait for it). */
function holdWriteLock(file: string, ms: number): Promise<{ exited: Promise<unknown> }> {
  const script = `const D=require('better-sqlite3');const db=new D(process.argv[1]);db.exec('BEGIN IMMEDIATE');process.stdout.write('locked\\n');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,${ms});db.exec('COMMIT');db.close();`;
  const child = spawn(process.execPath, ['-e', script, file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  return new Promise((res) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && res({ exited })));
}

const dir = mkdtempSync(join(tmpdir(), 'candlemark-host-latency-'));
const csv = join(dir, 'big.csv');
generateCsv(csv);
const csvBytes = readFileSync(csv).length;
console.log(
  `bench/host-latency: ${new Date().toISOString()}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, Node ${process.version}, CSV ${ROWS} rows ${(csvBytes / 1e6).toFixed(1)} MB`,
);

try {
  for (const mode of modes) {
    for (const scenario of scenarios) {
      const project = join(dir, `${mode}-${scenario}.candlemark`);
      if ((await run(process.execPath, [join(ROOT, 'bin/candlemark.js'), 'demo', '--project', project])) !== 0) throw new Error('demo failed');
      const { port, child } = await startHost(project, mode);
      await api(port, 'project.info', {}); // warm
      const p = poll(port);
      const t0 = performance.now();
      let note = '';
      if (scenario === 'idle') {
        await new Promise((r) => setTimeout(r, 3000));
      } else if (scenario === 'cli-write') {
        const released = await holdWriteLock(project, 10_000);
        await new Promise((r) => setTimeout(r, 500));
        const windows = ((await api(port, 'windows.list', {})) as { result: { id: number; seriesId: string; startIndex: number; length: number }[] }).result;
        const w = windows[0];
        const bars = ((await api(port, 'bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length })) as { result: { time: number[] } }).result;
        const e0 = performance.now();
        const edit = (await api(port, 'labels.add', { windowId: w.id, startTime: bars.time[1], endTime: bars.time[5], type: 'up' })) as {
          error?: { message: string };
        };
        note = `edit ${edit.error ? `failed (${edit.error.message})` : 'ok'} after ${(performance.now() - e0).toFixed(0)} ms`;
        await released.exited;
      } else if (scenario === 'import-text') {
        // Sent from another process: building a 60 MB JSON body here would stall this process's
        // event loop and show up as host latency that isn't the host's.
        const i0 = performance.now();
        const script = `const fs=require('fs');const body=JSON.stringify({command:'series.importText',args:{fileName:'big.csv',text:fs.readFileSync(process.argv[1],'utf8'),seriesId:'big'}});fetch('http://127.0.0.1:'+process.argv[2]+'/api/call',{method:'POST',headers:{Authorization:'Bearer ${TOKEN}'},body}).then(r=>r.json()).then(j=>{process.stdout.write(j.error?'failed: '+j.error.message.slice(0,80):'ok');});`;
        let out = '';
        await new Promise<void>((res) => {
          const c = spawn(process.execPath, ['-e', script, csv, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
          c.stdout.on('data', (d: Buffer) => (out += d.toString()));
          c.on('exit', () => res());
        });
        note = `importText (from another process) ${out || 'no answer'} in ${(performance.now() - i0).toFixed(0)} ms`;
      } else if (scenario === 'import-cli') {
        const i0 = performance.now();
        const code = await run(process.execPath, [join(ROOT, 'bin/candlemark.js'), 'import', csv, '--project', project]);
        note = `CLI import exit ${code} in ${(performance.now() - i0).toFixed(0)} ms`;
      }
      const span = performance.now() - t0;
      const { info, page, failed } = await p.stop();
      console.log(
        `${mode.padEnd(9)} ${scenario.padEnd(11)} (${(span / 1000).toFixed(1)} s${note ? `; ${note}` : ''}${failed ? `; ${failed} requests failed` : ''})\n  project.info ${fmt(info)}\n  GET /        ${fmt(page)}`,
      );
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

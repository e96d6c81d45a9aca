/**
 * A browser host of a spec's own (test/e2e/start-host.ts), for specs that kill and restart it. Node
 * runs the script directly (tsx as an --import hook), so the host is this process's own child: once
 * it is killed and its exit seen, it has been reaped and its pid is really gone, which is what the
 * next host checks before marking a run interrupted. Own process group, so a kill reaches anything
 * it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { E2E_DIST } from './playwright.config.ts';
import { REPO_ROOT } from './helpers.ts';

export interface OwnHost {
  child: ChildProcess;
  origin: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts start-host.ts on a free port (or `port`) for `project`; resolves with the origin it prints. */
export async function startOwnHost(project: string, token: string, port = 0): Promise<OwnHost> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/e2e/start-host.ts', '--port', String(port), '--token', token, '--project', project, '--static', E2E_DIST],
    { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host printed no URL within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the host exited (${code ?? signal}) before printing its URL:\n${out}`));
    });
  });
  return { child, origin, exited, output: () => out };
}

/** Signals the host's whole process group (ignoring one that is already gone). */
export function killGroup(host: OwnHost, signal: NodeJS.Signals): void {
  try {
    process.kill(-host.child.pid!, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

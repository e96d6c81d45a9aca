/**
 * The port and token the browser host last used, per project file, so that `npm start` run again
 * on the same project comes back at the same address and an open tab reconnects by itself (issue
 * #9). Kept in `~/.candlemark/hosts.json` (`{ "<absolute project path>": { port, token, savedAt } }`),
 * written atomically (temp file + rename) with mode 0600: it holds access tokens. A missing or
 * unreadable file just means "no previous address".
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { checkToken } from './http-host.ts';

export interface LastHost {
  port: number;
  token: string;
}

export function hostsFilePath(): string {
  return path.join(os.homedir(), '.candlemark', 'hosts.json');
}

function readAll(file: string): Record<string, unknown> {
  try {
    const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function readLastHost(projectPath: string, file = hostsFilePath()): LastHost | null {
  const e = readAll(file)[path.resolve(projectPath)] as { port?: unknown; token?: unknown } | undefined;
  if (!e || !Number.isInteger(e.port) || (e.port as number) < 1 || (e.port as number) > 65535 || typeof e.token !== 'string') return null;
  try {
    return { port: e.port as number, token: checkToken(e.token) };
  } catch {
    return null;
  }
}

export function saveLastHost(projectPath: string, host: LastHost, file = hostsFilePath()): void {
  const all = readAll(file);
  all[path.resolve(projectPath)] = { port: host.port, token: host.token, savedAt: new Date().toISOString() };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Whether 127.0.0.1:port can be listened on right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

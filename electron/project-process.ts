/**
 * Where the desktop app's project lives (issue #10 point 4): never on the main process's thread,
 * so no SQLite call or import blocks menus, IPC or the window.
 *
 * - packaged: an Electron `utilityProcess` (electron-builder rebuilds better-sqlite3 for Electron,
 *   so it loads in Electron's own Node runtime there);
 * - development: a plain Node child process (`npm install` builds better-sqlite3 for Node's ABI, which
 *   Electron can't load), Node being `CANDLEMARK_NODE` (bin/start.js sets it) or `node` on PATH.
 *
 * `CANDLEMARK_PROJECT_PROCESS=utility|node` overrides the choice (e.g. `utility` in development after
 * `npx electron-builder install-app-deps`). Both speak the one project protocol
 * (hosting/project-protocol.ts) through hosting/project-service.ts, which answers calls in flight
 * with an error and starts a new process when one dies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkerService } from '../hosting/project-service.ts';
import { nodeChildChannel, utilityProcessChannel, type ChannelFactory } from '../hosting/project-channel.ts';
import type { CandlemarkError } from '../core/service/errors.ts';

type ElectronModule = typeof import('electron');
export type ProjectCarrier = 'utility' | 'node';

/** Packaged → utilityProcess, development → Node child; `CANDLEMARK_PROJECT_PROCESS` overrides. */
export function projectCarrier(isPackaged: boolean, env: NodeJS.ProcessEnv = process.env): ProjectCarrier {
  const forced = env.CANDLEMARK_PROJECT_PROCESS;
  if (forced === 'utility' || forced === 'node') return forced;
  return isPackaged ? 'utility' : 'node';
}

export function channelFor(carrier: ProjectCarrier, electron: Pick<ElectronModule, 'utilityProcess'>, log: (line: string) => void): ChannelFactory {
  return carrier === 'utility' ? utilityProcessChannel(electron.utilityProcess, { log }) : nodeChildChannel({ log });
}

export interface OpenProjectProcessOptions {
  create: boolean;
  demoIfNew: boolean;
  channel: ChannelFactory;
  log: (line: string) => void;
  /** The process died and could not be restarted: the project is gone. */
  onGone: (error: CandlemarkError) => void;
}

/** Opens a project in its own process; rejects with the store's open error (the process is ended). */
export async function openProjectProcess(projectPath: string, opts: OpenProjectProcessOptions): Promise<WorkerService> {
  if (opts.create) fs.mkdirSync(path.dirname(path.resolve(projectPath)), { recursive: true });
  return WorkerService.open({
    projectPath: path.resolve(projectPath),
    create: opts.create,
    demoIfNew: opts.demoIfNew,
    channel: opts.channel,
    // One process per project: reads during an import wait for it, but never block the main process.
    reader: false,
    log: opts.log,
    onExit: opts.onGone,
  });
}

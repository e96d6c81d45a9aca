/**
 * The renderer's project menu in the desktop app (issue #14): the same `host.*` commands as the
 * browser host's /api/host, arriving on the one IPC channel, answered by the main process with the
 * File menu's own actions — New and Open show the native dialogs (the page never names a file),
 * and a recent project is opened only when its path is exactly one of the app's recent list.
 * Pure (no Electron import): the sender is checked as for every other call (ipc.ts senderProblem).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CandlemarkError, toWireError } from '../core/service/errors.ts';
import { parsePayload, senderProblem, type IpcResponse, type TrustedSender } from './ipc.ts';

export interface ProjectMenuHooks {
  currentPath(): string | null;
  recent(): string[];
  /** The File menu's actions: dialogs, then switchProject (which reloads the window). */
  newProject(): void;
  openProject(): void;
  openRecent(projectPath: string): void;
}

export const isProjectMenuCall = (payload: unknown): boolean =>
  !!payload &&
  typeof payload === 'object' &&
  typeof (payload as { command?: unknown }).command === 'string' &&
  (payload as { command: string }).command.startsWith('host.');

const entry = (p: string) => ({ name: path.basename(p, '.candlemark'), path: p, exists: fs.existsSync(p) });

export function handleProjectMenuCall(hooks: ProjectMenuHooks, event: unknown, payload: unknown, trusted: TrustedSender | null): IpcResponse {
  const problem = senderProblem(event, trusted);
  if (problem) return { error: { code: 'invalid-operation', message: problem, issues: [] } };
  const parsed = parsePayload(payload);
  if (typeof parsed === 'string') return { error: { code: 'invalid-arguments', message: parsed, issues: [] } };
  try {
    const args = (parsed.args ?? {}) as { path?: unknown };
    const list = () => {
      const current = hooks.currentPath();
      // The desktop app has no projects folder: New and Open use the native dialogs.
      return { current: current ? entry(current) : null, recent: hooks.recent().map(entry), folder: null, inFolder: [], dialogs: true };
    };
    switch (parsed.command) {
      case 'host.projects':
        return { result: list() };
      case 'host.createProject':
        hooks.newProject();
        return { result: list() };
      case 'host.openProject':
        if (args.path === undefined) {
          hooks.openProject();
          return { result: list() };
        }
        if (typeof args.path !== 'string' || !hooks.recent().includes(args.path)) {
          throw new CandlemarkError('forbidden', 'the page opens only a recent project by its path; other files through File › Open Project…');
        }
        hooks.openRecent(args.path);
        return { result: list() };
      default:
        throw new CandlemarkError(
          'unknown-command',
          `${parsed.command.slice(0, 80)}: project menu commands are host.projects, host.openProject, host.createProject`,
        );
    }
  } catch (e) {
    return { error: toWireError(e) };
  }
}

/**
 * The desktop app's current project and switching between projects: open the new one first (the
 * old one stays open when that fails, and the error is shown), then close the old one and reload
 * the window. Also the first project at start-up (the requested file, the last one, else the demo).
 * The project itself lives in another process (project-process.ts); this holds the handle.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EventName } from '../core/service/events.ts';
import type { ClosedRun } from '../core/service/handlers/training.ts';
import type { CallableService } from './ipc.ts';
import { addRecent, type AppSettings } from './settings.ts';

/** What the app needs of a project's service (hosting/project-service.ts's WorkerService). */
export interface HostedService extends CallableService {
  events: { onAny(fn: (name: EventName, payload: unknown) => void): () => void };
  closeGracefully(opts?: { waitMs?: number }): Promise<ClosedRun[]>;
}

export interface SwitcherDeps {
  open(projectPath: string, opts: { create: boolean; demoIfNew: boolean }): Promise<HostedService>;
  settings: AppSettings;
  persist(): void;
  showError(title: string, err: unknown): void;
  /** A project became current (title, recent documents, menu). */
  attached(projectPath: string): void;
  /** No project is current any more (menu). */
  detached(): void;
  /** Every event of the current project (sent on to the window). */
  event(name: EventName, payload: unknown): void;
  /** The window shows a project that changed: reload it (or create it). */
  reload(): void;
  /** The project asked for is already open: bring the window forward. */
  focus(): void;
  log(message: string): void;
}

export class ProjectSwitcher {
  service: HostedService | null = null;
  projectPath: string | null = null;
  private offEvents: (() => void) | null = null;

  constructor(private readonly deps: SwitcherDeps) {}

  attach(service: HostedService, projectPath: string): void {
    this.service = service;
    this.projectPath = path.resolve(projectPath);
    this.offEvents = service.events.onAny((name, payload) => this.deps.event(name, payload));
    this.deps.settings.recent = addRecent(this.deps.settings.recent, this.projectPath);
    this.deps.persist();
    this.deps.attached(this.projectPath);
  }

  /** Forgets the current project and closes it in the background; returns the close (for quitting). */
  detach(): Promise<void> {
    this.offEvents?.();
    this.offEvents = null;
    const old = this.service;
    this.service = null;
    this.projectPath = null;
    if (!old) return Promise.resolve();
    return old.closeGracefully().then(
      () => undefined,
      (err: unknown) => this.deps.log(`closing the project failed: ${String(err)}`),
    );
  }

  /** The current project's process stopped for good: say so, and let the user reopen it. */
  gone(service: HostedService, err: Error): void {
    if (this.service === service) {
      void this.detach();
      this.deps.detached();
    }
    this.deps.showError('The project store stopped', new Error(`${err.message}\nReopen the project from File ▸ Open Recent.`));
  }

  /** Switching projects: open the new one (the old stays open if that fails), close the old, reload. */
  async switchTo(projectPath: string, opts: { create: boolean }): Promise<void> {
    const target = path.resolve(projectPath);
    if (this.projectPath === target) return this.deps.focus();
    let next: HostedService;
    try {
      next = await this.deps.open(target, { create: opts.create, demoIfNew: false });
    } catch (err) {
      this.deps.showError(`Could not open ${path.basename(target)}`, err);
      if (!opts.create && !fs.existsSync(target)) {
        this.deps.settings.recent = this.deps.settings.recent.filter((p) => p !== target);
        this.deps.persist();
        this.deps.detached();
      }
      return;
    }
    void this.detach();
    this.attach(next, target);
    this.deps.reload();
  }

  /** Start-up: the first candidate that opens becomes current; each failure is shown. */
  async openFirst(candidates: { file: string; create: boolean; demoIfNew: boolean }[]): Promise<void> {
    for (const c of candidates) {
      try {
        this.attach(await this.deps.open(c.file, c), c.file);
        return;
      } catch (err) {
        this.deps.showError(`Could not open ${path.basename(c.file)}`, err);
      }
    }
  }
}

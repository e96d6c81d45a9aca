/**
 * The browser host's current project, which the host can switch (issue #14: open / create / recent
 * projects from the app). It is the HostService http-host.ts serves: calls go to the project open
 * now, events come from it. The HTTP server, its port and its token stay the same across a switch,
 * so open pages keep their token; they are told by a `host.projectChanged` event and re-read
 * everything (as after a reconnect).
 *
 * A switch opens the new project first (the old one stays if that fails, with the store's own open
 * error), then closes the old one. It is refused while a training run is going in the current
 * project (closing would cancel it): cancel it or wait.
 */
import path from 'node:path';
import type { CallOptions } from '../core/service/capability.ts';
import { CandlemarkError } from '../core/service/errors.ts';
import type { EventName } from '../core/service/events.ts';
import type { ClosedRun } from '../core/service/handlers/training.ts';
import type { CallOutcome, DecodeOptions } from '../hosting/call-message.ts';
import type { HostService } from './http-host.ts';
import { PROJECT_RESTARTED_EVENT } from '../hosting/project-service.ts';

/** What a slot needs of a project: a HostService that can be closed (WorkerService or CandlemarkService). */
export interface OpenProject extends HostService {
  closeGracefully(opts?: { waitMs?: number }): Promise<ClosedRun[]>;
}

/** Sent to pages after a switch (not a service event: the service doesn't know it was replaced). */
export const PROJECT_CHANGED_EVENT = 'host.projectChanged';

type AnyListener = (name: EventName, payload: unknown) => void;

export class ProjectSlot implements HostService {
  private listeners = new Set<AnyListener>();
  private off: () => void = () => undefined;
  /** Runs started and not yet finished in the current project (from its training events). */
  private running = new Set<number>();
  private switching = false;

  constructor(
    private current: OpenProject,
    private currentPath: string,
    private readonly opener: (projectPath: string, opts: { create: boolean }) => Promise<OpenProject>,
  ) {
    this.attach(current);
  }

  get projectPath(): string {
    return path.resolve(this.currentPath);
  }

  get service(): OpenProject {
    return this.current;
  }

  readonly events = {
    onAny: (fn: AnyListener): (() => void) => {
      this.listeners.add(fn);
      return () => void this.listeners.delete(fn);
    },
  };

  private attach(service: OpenProject): void {
    this.running.clear();
    this.off = service.events.onAny((name, payload) => {
      const runId = (payload as { runId?: unknown } | null)?.runId;
      if (name === 'training.started' && typeof runId === 'number') this.running.add(runId);
      if (name === 'training.finished' && typeof runId === 'number') this.running.delete(runId);
      // The project's thread died and was restarted (hosting/project-service.ts): its runs died with
      // it (the new thread's open marks them interrupted), so none is training any more.
      if (String(name) === PROJECT_RESTARTED_EVENT) this.running.clear();
      for (const l of this.listeners) l(name, payload);
    });
  }

  call(name: string, args?: unknown, opts?: CallOptions): Promise<unknown> {
    return this.current.call(name, args, opts);
  }

  callEncoded(bytes: Buffer, opts: DecodeOptions): Promise<CallOutcome> {
    const s = this.current;
    if (s.callEncoded) return s.callEncoded(bytes, opts);
    // Never reached with the host's services (both decode where they live); kept total for the interface.
    return Promise.reject(new CandlemarkError('internal', 'this project cannot decode calls'));
  }

  /** Opens `projectPath` (creating it when asked) and makes it current; the old project is closed. */
  async switchTo(projectPath: string, opts: { create: boolean }): Promise<void> {
    const target = path.resolve(projectPath);
    if (target === this.projectPath) return;
    if (this.switching) throw new CandlemarkError('invalid-operation', 'another project is being opened: wait for it');
    if (this.running.size > 0) {
      throw new CandlemarkError(
        'invalid-operation',
        `run ${[...this.running].join(', ')} is training in this project: cancel it or wait for it to finish before opening another project`,
      );
    }
    this.switching = true;
    try {
      const next = await this.opener(target, opts);
      const old = this.current;
      this.off();
      this.current = next;
      this.currentPath = target;
      this.attach(next);
      for (const l of this.listeners) l(PROJECT_CHANGED_EVENT as EventName, { path: target, name: path.basename(target, '.candlemark') });
      // Calls already sent to the old project reach its thread before the close message (it handles them in order).
      await old.closeGracefully().catch((e: unknown) => console.error(`[candlemark] closing ${path.basename(this.currentPath)}: ${String(e)}`));
    } finally {
      this.switching = false;
    }
  }

  closeGracefully(opts?: { waitMs?: number }): Promise<ClosedRun[]> {
    this.off();
    return this.current.closeGracefully(opts);
  }
}

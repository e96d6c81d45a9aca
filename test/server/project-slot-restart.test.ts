/**
 * ProjectSlot (server/project-slot.ts) refuses to switch projects while a run trains; when the
 * project's thread died and was restarted (host.projectRestarted), the runs died with it, so a
 * switch is allowed again instead of being refused forever. The project here is a minimal
 * OpenProject whose events the test sends: what is under test is the slot's bookkeeping.
 */
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../core/service/events.ts';
import { PROJECT_RESTARTED_EVENT } from '../../hosting/project-service.ts';
import { ProjectSlot, type OpenProject } from '../../server/project-slot.ts';

function project() {
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const p: OpenProject & { emit(name: string, payload: unknown): void; closed: boolean } = {
    closed: false,
    events: { onAny: (fn) => (listeners.add(fn), () => void listeners.delete(fn)) },
    call: async () => ({}),
    closeGracefully: async () => ((p.closed = true), []),
    emit: (name, payload) => listeners.forEach((fn) => fn(name as EventName, payload)),
  };
  return p;
}

describe('ProjectSlot and a restarted project thread', () => {
  it('forgets the runs that were training when the thread died, so switching works again', async () => {
    const first = project();
    const second = project();
    const slot = new ProjectSlot(first, '/tmp/a.candlemark', async () => second);
    const seen: string[] = [];
    slot.events.onAny((name) => seen.push(name));
    first.emit('training.started', { runId: 4 });
    await expect(slot.switchTo('/tmp/b.candlemark', { create: false })).rejects.toMatchObject({
      code: 'invalid-operation',
      message: expect.stringContaining('run 4 is training'),
    });
    first.emit(PROJECT_RESTARTED_EVENT, { reason: 'the project thread stopped unexpectedly (exit code 1)', restarts: 1 });
    expect(seen).toContain(PROJECT_RESTARTED_EVENT); // pages are told too
    await slot.switchTo('/tmp/b.candlemark', { create: false });
    expect(slot.service).toBe(second);
    expect(first.closed).toBe(true);
  });
});

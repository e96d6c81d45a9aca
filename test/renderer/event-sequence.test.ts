/** The renderer's missed-event detection (renderer/src/api/event-sequence.ts), on the numbers the service stamps. */
import { describe, expect, it } from 'vitest';
import { EventSequence } from '../../renderer/src/api/event-sequence.ts';
import { TypedEmitter } from '../../core/service/events.ts';

describe('EventSequence', () => {
  it("accepts the emitter's own numbering as contiguous, and flags a skipped event as a gap", () => {
    const emitter = new TypedEmitter();
    const seqs: number[] = [];
    emitter.onAny((_name, payload) => seqs.push(payload.seq));
    const a = emitter.from('page-aaaaaaaa');
    for (let i = 0; i < 5; i++) a.emit('labels.changed', { windowIds: [i] });
    emitter.emit('findings.changed', { open: 1 });
    const seen = new EventSequence();
    expect(seqs.map((s) => seen.accept(s))).toEqual(['next', 'next', 'next', 'next', 'next', 'next']);

    const withLoss = new EventSequence();
    expect([1, 2, 4, 5].map((s) => withLoss.accept(s))).toEqual(['next', 'next', 'gap', 'next']);
  });

  it('treats a smaller number as a restart (another project), and starts over after reset', () => {
    const s = new EventSequence();
    expect([7, 8, 1, 2].map((n) => s.accept(n))).toEqual(['next', 'next', 'restart', 'next']);
    s.reset();
    expect(s.accept(40)).toBe('next');
  });
});

/**
 * Tells from the service events' sequence numbers whether any were missed (issue #10, point 9).
 * Pure (no DOM), so it is unit-tested on its own (test/renderer/event-sequence.test.ts).
 */
export type SeqVerdict = 'next' | 'gap' | 'restart';

export class EventSequence {
  private last: number | null = null;

  /**
   * 'next': the one expected (or the first seen); 'gap': numbers were skipped, events were missed;
   * 'restart': a number not above the last (another project, a restarted host numbers from 1 again).
   */
  accept(seq: number): SeqVerdict {
    const last = this.last;
    this.last = seq;
    if (last === null || seq === last + 1) return 'next';
    return seq > last + 1 ? 'gap' : 'restart';
  }

  /** Forget the last number (after a reconnect or a project switch: the views re-read anyway). */
  reset(): void {
    this.last = null;
  }
}

import type { CandlemarkService } from '../../core/service/service.ts';
import type { ServiceEvents } from '../../core/service/events.ts';

/** Resolves with the first event of that name matching `pred` (rejects after `timeoutMs`). */
export function nextEvent<K extends keyof ServiceEvents>(
  s: CandlemarkService,
  name: K,
  pred: (p: ServiceEvents[K]) => boolean = () => true,
  timeoutMs = 120_000,
): Promise<ServiceEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = s.events.on(name, (p) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

/**
 * "Disconnected — reconnecting…" while the host is away (issue #9): what the page shows may be
 * stale, and edits can't be saved. A host restarted on the same project comes back on the same
 * port and token (server/last-host.ts) and the page reconnects by itself; after a few failed tries
 * the banner also says what to do when the host came back elsewhere (a new port or token).
 */
import { useConnection } from '../state/events.ts';

/** Failed reconnects (about 8 s with the client's backoff) before suggesting the newly printed URL. */
export const FAILURES_BEFORE_NEW_URL_HINT = 4;

export function ConnectionBanner() {
  const c = useConnection();
  if (c.status !== 'down') return null;
  const long = c.failures >= FAILURES_BEFORE_NEW_URL_HINT;
  return (
    <div className="connection-banner" role="status" aria-live="polite" data-testid="connection-banner" data-failures={c.failures}>
      <strong>Disconnected — reconnecting…</strong> The Candlemark host at {window.location.host} is not answering: what this page shows may be out of date, and
      changes can't be saved until it is back.
      {long && (
        <span data-testid="connection-new-url">
          {' '}
          If you restarted the host and it printed a different address (another port or token), open that URL instead: this tab can only come back to{' '}
          {window.location.host}.
        </span>
      )}
    </div>
  );
}

/** A browser host started as a real process by a test (bin/serve.js, bin/start.js): its URL, and calls to it. */
import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the URL the host prints ("open http://127.0.0.1:PORT/#token=…") and everything it
 * had printed by then (stdout and stderr); rejects, with that output, when it exits first or prints
 * nothing within `timeoutMs`.
 */
export function printedUrl(child: ChildProcess, timeoutMs = 60_000): Promise<{ url: string; output: string }> {
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], output: out });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

/** One service call to the host at `url` (its token read from the URL's fragment); the result. */
export async function callHost<T>(url: string, command: string, args: unknown = {}): Promise<T> {
  const { origin, hash } = new URL(url);
  const token = new URLSearchParams(hash.slice(1)).get('token');
  const res = await fetch(`${origin}/api/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ command, args }),
  });
  return ((await res.json()) as { result: T }).result;
}

/**
 * Errors shown to the desktop user: the text (message, located issues, the rebuild hint when
 * better-sqlite3 was built for the wrong runtime) and the dialog that shows it.
 */
import type { BrowserWindow, MessageBoxOptions } from 'electron';
import { formatIssue, toWireError } from '../core/service/errors.ts';

type ElectronModule = typeof import('electron');

/** True when an error says better-sqlite3's native module was built for another runtime (Node vs. Electron). */
export function isNativeModuleError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)) return true;
  return (err as { code?: unknown } | null)?.code === 'ERR_DLOPEN_FAILED' && /better[-_]sqlite3/.test(message);
}

/** Error text for a dialog: the message, then each located issue (at most 20). */
export function describeError(err: unknown): string {
  const wire = toWireError(err);
  const lines = [wire.message, ...wire.issues.slice(0, 20).map((i) => `• ${formatIssue(i)}`)];
  if (wire.issues.length > 20) lines.push(`… and ${wire.issues.length - 20} more`);
  if (isNativeModuleError(err) || isNativeModuleError(new Error(wire.message))) {
    lines.push(
      '',
      'better-sqlite3 was built for another runtime than the project process runs on.',
      'In development the project runs in Node (CANDLEMARK_NODE, or node on PATH): run `npm rebuild better-sqlite3`.',
      'For a packaged build: npx electron-builder install-app-deps (or set CANDLEMARK_PROJECT_PROCESS=utility).',
    );
  }
  return lines.join('\n');
}

export function log(message: string): void {
  console.error(`[candlemark] ${message}`);
}

/** `showError(title, err)`: a modal dialog on the window when there is one; before 'ready' the error box. */
export function errorReporter(
  dialog: ElectronModule['dialog'],
  window: () => BrowserWindow | null,
  ready: () => boolean,
): (title: string, err: unknown) => void {
  return (title, err) => {
    const detail = describeError(err);
    log(`${title}: ${detail}`);
    if (!ready()) return dialog.showErrorBox(title, detail);
    const options: MessageBoxOptions = { type: 'error', title: 'Candlemark', message: title, detail, buttons: ['OK'] };
    const win = window();
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options)).catch(() => undefined);
  };
}

// Candlemark's Electron entry point (package.json "main"). The main process is TypeScript run
// through tsx (like the CLI), so a fresh checkout runs without a build step. Everything that must
// happen before the app's 'ready' event (privileged scheme, sandbox, single-instance lock) runs
// inside startApp, which is awaited here at top level: Electron emits 'ready' only after the entry
// module has finished evaluating. See app.ts.
import electron from 'electron';
import { register } from 'tsx/esm/api';

register();
try {
  const { startApp } = await import('./app.ts');
  startApp(electron);
} catch (err) {
  // Even a broken install gets a dialog rather than a silent exit.
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  console.error(detail);
  electron.app.whenReady().then(() => {
    electron.dialog.showErrorBox('Candlemark could not start', detail);
    electron.app.exit(1);
  });
}

// Candlemark's Electron shell (thin: no product logic). Until the IPC bridge and the React UI land,
// the window shows the browser host's overview page, served in-process on loopback with a token.
// The window is hardened now: context isolation, sandbox, no Node integration, no navigation,
// no new windows, every permission request denied.
import { app, BrowserWindow, shell } from 'electron';
import { register } from 'tsx/esm/api';
import path from 'node:path';

register();

if (!app.requestSingleInstanceLock()) app.quit();

async function createWindow() {
  const { CandlemarkService } = await import('../core/service/service.ts');
  const { startHttpHost } = await import('../server/http-host.ts');
  const { defaultProjectPath } = await import('../server/main.ts');
  const projectPath = process.argv.find((a) => a.endsWith('.candlemark')) ?? defaultProjectPath();
  const fs = await import('node:fs');
  const isNew = !fs.existsSync(projectPath);
  fs.mkdirSync(path.dirname(projectPath), { recursive: true });
  const service = CandlemarkService.open(projectPath, { create: true });
  if (isNew) await service.call('demo.create', {});
  const host = await startHttpHost({ service, staticDir: path.join(import.meta.dirname, '..', 'server', 'static') });

  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Candlemark',
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
  });
  const origin = new URL(host.url).origin;
  win.webContents.on('will-navigate', (event, url) => {
    if (new URL(url).origin !== origin) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.session.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  await win.loadURL(host.url);
  app.on('before-quit', () => {
    void host.close();
    service.close();
  });
}

app.whenReady().then(createWindow);
app.on('window-all-closed', () => app.quit());

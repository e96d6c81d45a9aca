/**
 * The browser host for end-to-end tests: a fresh project in a temp folder, the built renderer
 * (renderer/dist) as static files, a fixed port and a fixed token so Playwright can open
 * http://127.0.0.1:<port>/#token=<token>. Run with tsx: `tsx test/e2e/start-host.ts --port N --token T`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CandlemarkService } from '../../core/service/service.ts';
import { startHttpHost } from '../../server/http-host.ts';
import { installLastResortHandlers } from '../../hosting/last-resort.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { port: { type: 'string' }, token: { type: 'string' }, project: { type: 'string' }, static: { type: 'string' } },
  strict: true,
});
installLastResortHandlers('e2e host');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-e2e-'));
const projectPath = values.project ?? path.join(dir, 'e2e.candlemark');
const service = CandlemarkService.open(projectPath, { create: true, author: 'e2e' });
const host = await startHttpHost({
  service,
  staticDir: path.resolve(root, values.static ?? 'renderer/dist'),
  port: Number(values.port ?? 0),
  token: values.token,
});
console.log(`project ${projectPath}`);
console.log(`open ${host.url}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await host.close();
  // Training workers record their cancellation before the process exits (see CandlemarkService.closeGracefully).
  await service.closeGracefully();
  if (!values.project) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

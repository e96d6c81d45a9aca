/**
 * `node bin/serve.js [--project FILE] [--port N]`: runs the browser host and prints its URL
 * (which carries the access token). With no --project it opens the demo project in the user's
 * data folder, creating it on first start, so a new user sees something real at once.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CandlemarkService } from '../core/service/service.ts';
import { startHttpHost } from './http-host.ts';

export function defaultProjectPath(): string {
  return process.env.CANDLEMARK_PROJECT || path.join(os.homedir(), '.candlemark', 'demo.candlemark');
}

export async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { project: { type: 'string' }, port: { type: 'string' } }, strict: true });
  const projectPath = values.project ?? defaultProjectPath();
  const isNew = !fs.existsSync(projectPath);
  fs.mkdirSync(path.dirname(path.resolve(projectPath)), { recursive: true });
  const service = CandlemarkService.open(projectPath, { create: true });
  if (isNew && !values.project) {
    console.log(`creating a demo project at ${projectPath} …`);
    await service.call('demo.create', {});
  }
  const staticDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');
  const host = await startHttpHost({ service, staticDir, port: values.port ? Number(values.port) : 0 });
  console.log(`Candlemark browser host for ${path.resolve(projectPath)}`);
  console.log(`open ${host.url}`);
  const stop = async () => {
    await host.close();
    service.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

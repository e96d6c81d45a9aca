/**
 * `node bin/serve.js [--project FILE] [--port N]`: runs the browser host and prints its URL
 * (which carries the access token). With no --project it opens the demo project in the user's
 * data folder, creating it on first start, so a new user sees something real at once.
 *
 * Environment:
 * - `CANDLEMARK_PROJECT`: the default project file (instead of ~/.candlemark/demo.candlemark).
 * - `CANDLEMARK_TOKEN`: a fixed access token (16–256 of A-Z a-z 0-9 _ -) for tests and scripts;
 *   otherwise a random one per launch. The host still listens on 127.0.0.1 only.
 * - `CANDLEMARK_MAX_BODY_BYTES`: the largest request body (default 300 MiB; larger gets 413).
 * - `CANDLEMARK_HOST_SERVICE=in-thread`: run the project on the HTTP thread (default: a worker thread).
 *
 * Serves the React renderer from `renderer/dist` when it has been built, else the overview page
 * in `server/static/`.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { CandlemarkService } from '../core/service/service.ts';
import { checkToken, startHttpHost } from './http-host.ts';
import { resolveStaticDir } from './static-dir.ts';
import { WorkerService } from './service-worker.ts';

export function defaultProjectPath(): string {
  return process.env.CANDLEMARK_PROJECT || path.join(os.homedir(), '.candlemark', 'demo.candlemark');
}

/** Opens a project, creating it (and, for the default project, its demo data) when it's new. */
export async function openProject(projectPath: string, opts: { demoIfNew: boolean }): Promise<CandlemarkService> {
  const isNew = !fs.existsSync(projectPath);
  fs.mkdirSync(path.dirname(path.resolve(projectPath)), { recursive: true });
  const service = CandlemarkService.open(projectPath, { create: true });
  if (isNew && opts.demoIfNew) {
    console.log(`creating a demo project at ${projectPath} …`);
    try {
      await service.call('demo.create', {});
    } catch (e) {
      service.close();
      throw e;
    }
  }
  return service;
}

export async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { project: { type: 'string' }, port: { type: 'string' } }, strict: true });
  const envToken = process.env.CANDLEMARK_TOKEN;
  const token = envToken ? checkToken(envToken) : undefined;
  const projectPath = values.project ?? defaultProjectPath();
  // The project lives in a worker thread (service-worker.ts), so SQLite never blocks HTTP, the socket or
  // static files; CANDLEMARK_HOST_SERVICE=in-thread runs it on this thread instead (the bench's baseline).
  const service =
    process.env.CANDLEMARK_HOST_SERVICE === 'in-thread'
      ? await openProject(projectPath, { demoIfNew: !values.project })
      : await WorkerService.open({ projectPath, demoIfNew: !values.project, onExit: (e) => console.error(`[candlemark] ${e.message}; API calls will fail until the host is restarted`) });
  const ui = resolveStaticDir();
  const maxBody = Number(process.env.CANDLEMARK_MAX_BODY_BYTES);
  const limits = Number.isSafeInteger(maxBody) && maxBody > 0 ? { maxBodyBytes: maxBody } : {};
  const host = await startHttpHost({ service, staticDir: ui.dir, port: values.port ? Number(values.port) : 0, token, limits });
  console.log(`Candlemark browser host for ${path.resolve(projectPath)}`);
  if (!ui.renderer) console.log(`(renderer not built: serving the overview page from ${ui.dir})`);
  console.log(`open ${host.url}`);
  // Training runs in worker threads that die with the process: let them record their cancellation
  // before exiting (closeGracefully), so a run stopped by Ctrl-C reads 'cancelled', not 'interrupted'.
  // A second Ctrl-C doesn't wait (such a run is then shown as interrupted at the next start).
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await host.close();
    for (const run of await service.closeGracefully()) console.log(`run ${run.runId}: ${run.status}`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

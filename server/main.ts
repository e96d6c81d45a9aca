/**
 * `node bin/serve.js [--project FILE] [--port N]`: runs the browser host and prints its URL
 * (which carries the access token). With no --project it opens the demo project in the user's
 * data folder, creating it on first start, so a new user sees something real at once.
 *
 * Environment:
 * - `CANDLEMARK_PROJECT`: the default project file (instead of ~/.candlemark/demo.candlemark); a new
 *   one starts empty (only the built-in demo file is filled with demo data).
 * - `CANDLEMARK_TOKEN`: a fixed access token (16–256 of A-Z a-z 0-9 _ -) for tests and scripts;
 *   otherwise a random one per launch. The host still listens on 127.0.0.1 only.
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
  // Only the built-in demo file gets demo data: a project named by --project or CANDLEMARK_PROJECT
  // starts empty (its Home offers the demo as an explicit choice).
  const service = await openProject(projectPath, { demoIfNew: !values.project && !process.env.CANDLEMARK_PROJECT });
  const ui = resolveStaticDir();
  const host = await startHttpHost({ service, staticDir: ui.dir, port: values.port ? Number(values.port) : 0, token });
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

/**
 * Opening a project for a host (Node-only, like everything in hosting/): the default project's path
 * and "open it, and make the demo when the built-in default file is new". Written once here for the
 * browser host, the desktop app and the project process both use (issue #10 point 7: no host
 * imports another host).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CandlemarkService } from '../core/service/service.ts';
import { DEMO_APP_UNLABELLED } from '../core/service/schemas.ts';

/** `CANDLEMARK_PROJECT`, else `~/.candlemark/demo.candlemark` (the built-in demo file). */
export function defaultProjectPath(): string {
  return process.env.CANDLEMARK_PROJECT || path.join(os.homedir(), '.candlemark', 'demo.candlemark');
}

/** Opens a project, creating it (unless `create: false`; and, for the default project, its demo data) when it's new. */
export async function openProject(projectPath: string, opts: { demoIfNew: boolean; annotator?: string; create?: boolean }): Promise<CandlemarkService> {
  const isNew = !fs.existsSync(projectPath);
  // Only the default demo project's folder is made here; a missing folder for a named project is an error.
  if (opts.demoIfNew) fs.mkdirSync(path.dirname(path.resolve(projectPath)), { recursive: true });
  const service = CandlemarkService.open(projectPath, { create: opts.create ?? true, author: opts.annotator });
  if (isNew && opts.demoIfNew) {
    console.log(`creating a demo project at ${projectPath} …`);
    try {
      await service.call('demo.create', { unlabelled: DEMO_APP_UNLABELLED });
    } catch (e) {
      service.close();
      throw e;
    }
  }
  return service;
}

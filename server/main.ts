/**
 * `node bin/serve.js [--project FILE] [--port N] [--annotator NAME]`: runs the browser host and prints its URL
 * (which carries the access token). With no --project it opens the demo project in the user's
 * data folder, creating it on first start, so a new user sees something real at once.
 *
 * Without --port and CANDLEMARK_TOKEN, the host comes back on the port and token it last used for
 * the same project when that port is free (server/last-host.ts, ~/.candlemark/hosts.json), so a
 * tab left open on a restarted host reconnects; when the port is taken it starts on a new one and
 * says so (the open tab then tells the user to open the newly printed URL).
 *
 * Environment:
 * - `CANDLEMARK_PROJECT`: the default project file (instead of ~/.candlemark/demo.candlemark); a new
 *   one starts empty (only the built-in demo file is filled with demo data).
 * - `CANDLEMARK_ANNOTATOR` (or --annotator): who edits when a client names nobody (the app sends
 *   the name its user chose with every edit; undo/redo are per annotator).
 * - `CANDLEMARK_TOKEN`: a fixed access token (16–256 of A-Z a-z 0-9 _ -) for tests and scripts;
 *   otherwise a random one per launch. The host still listens on 127.0.0.1 only.
 * - `CANDLEMARK_MAX_BODY_BYTES`: the largest request body (default 300 MiB; larger gets 413).
 * - `CANDLEMARK_HOST_SERVICE=in-thread`: run the project on the HTTP thread (default: a worker thread).
 *
 * Serves the React renderer from `renderer/dist` when it has been built, else the overview page
 * in `server/static/`.
 */
import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { installLastResortHandlers } from '../hosting/last-resort.ts';
import { toWireError } from '../core/service/errors.ts';
import { exitCodeOf } from '../core/service/error-status.ts';
import { checkToken, startHttpHost } from './http-host.ts';
import { resolveStaticDir } from '../hosting/static-dir.ts';
import { defaultProjectPath, openProject } from '../hosting/open-project.ts';
import { portIsFree, readLastHost, saveLastHost } from './last-host.ts';
import { WorkerService } from '../hosting/project-service.ts';
import { CandlemarkError } from '../core/service/errors.ts';
import { ProjectSlot, type OpenProject } from './project-slot.ts';
import { addRecent, listProjects, projectsDir, resolveProjectRequest } from './projects.ts';

export async function serve(argv: string[]): Promise<void> {
  // One failed command (or run) must never end the host and drop the open pages with it.
  installLastResortHandlers('browser host');
  const { values } = parseArgs({ args: argv, options: { project: { type: 'string' }, port: { type: 'string' }, annotator: { type: 'string' } }, strict: true });
  const envToken = process.env.CANDLEMARK_TOKEN;
  const token = envToken ? checkToken(envToken) : undefined;
  const projectPath = values.project ?? defaultProjectPath();
  // Only the built-in demo file gets demo data: a project named by --project or CANDLEMARK_PROJECT
  // starts empty (its Home offers the demo as an explicit choice).
  const demoIfNew = !values.project && !process.env.CANDLEMARK_PROJECT;
  const annotator = values.annotator;
  // The project lives in a worker thread (hosting/project-service.ts), so SQLite never blocks HTTP, the socket or
  // static files; CANDLEMARK_HOST_SERVICE=in-thread runs it on this thread instead (the bench's baseline).
  const inThread = process.env.CANDLEMARK_HOST_SERVICE === 'in-thread';
  const start = (file: string, demo: boolean): Promise<OpenProject> =>
    inThread
      ? openProject(file, { demoIfNew: demo, annotator })
      : WorkerService.open({
          projectPath: file,
          demoIfNew: demo,
          annotator,
          onExit: (e) => console.error(`[candlemark] ${e.message}; API calls will fail until the host is restarted`),
        });
  let service: ProjectSlot;
  try {
    // The project menu switches projects under the same port and token (project-slot.ts); a project
    // opened from the menu is never filled with demo data (its Home offers the demo).
    service = new ProjectSlot(await start(projectPath, demoIfNew), projectPath, async (file, { create }) => {
      if (!create && !fs.existsSync(file)) throw new CandlemarkError('not-found', `${file} does not exist (moved or deleted?)`);
      if (create) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      return start(file, false);
    });
  } catch (e) {
    // Nothing to serve: say why in one line and exit with the code of its class (no stack trace).
    const err = toWireError(e);
    console.error(`candlemark host: ${err.message}`);
    process.exitCode = exitCodeOf(err.code);
    return;
  }
  const ui = resolveStaticDir();
  const maxBody = Number(process.env.CANDLEMARK_MAX_BODY_BYTES);
  const limits = Number.isSafeInteger(maxBody) && maxBody > 0 ? { maxBodyBytes: maxBody } : {};
  // Same address as last time for this project (when neither the port nor the token is fixed).
  const remember = !values.port && !envToken;
  const last = remember ? readLastHost(projectPath) : null;
  const reuse = last !== null && (await portIsFree(last.port));
  if (last && !reuse)
    console.log(
      `port ${last.port}, used last time for this project, is taken: starting on a new port (open the new URL below; a tab still open on the old one cannot reconnect)`,
    );
  rememberRecent(projectPath);
  const hostCommands = projectMenuCommands(service);
  const options = {
    service,
    staticDir: ui.dir,
    port: reuse ? last.port : values.port ? Number(values.port) : 0,
    token: reuse ? last.token : token,
    limits,
    hostCommands,
  };
  let host;
  try {
    host = await startHttpHost(options);
  } catch (e) {
    // Taken between the check and the listen: a new port, as above.
    if (!reuse || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    console.log(`port ${last.port} was taken meanwhile: starting on a new port`);
    host = await startHttpHost({ ...options, port: 0, token: undefined });
  }
  if (remember) {
    try {
      saveLastHost(projectPath, { port: host.port, token: host.token });
    } catch (e) {
      console.log(`(could not remember this address for the next start: ${(e as Error).message})`);
    }
  }
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

/** Adds a project to the recent list (server/projects.ts); a list that can't be written is only said. */
function rememberRecent(projectPath: string): void {
  try {
    addRecent(projectPath);
  } catch (e) {
    console.log(`(could not update the recent-projects list: ${(e as Error).message})`);
  }
}

/**
 * The project menu's host commands (POST /api/host). A page names a project in the projects folder
 * or one of the recent list, never another path: the rules are in server/projects.ts.
 */
export function projectMenuCommands(slot: ProjectSlot): (command: string, args: unknown) => Promise<unknown> {
  return async (command, args) => {
    if (command === 'host.projects') return listProjects(slot.projectPath);
    if (command === 'host.openProject' || command === 'host.createProject') {
      const create = command === 'host.createProject';
      const req = resolveProjectRequest(args, { create });
      if (create) fs.mkdirSync(projectsDir(), { recursive: true, mode: 0o700 });
      await slot.switchTo(req.path, { create: req.create });
      rememberRecent(req.path);
      console.log(`now serving ${req.path}`);
      return listProjects(slot.projectPath);
    }
    throw new CandlemarkError('unknown-command', `${command.slice(0, 80)}: host commands are host.projects, host.openProject, host.createProject`);
  };
}

/**
 * The one error model, code by code: what the store, the importers, SQLite and the file system throw
 * comes out of `service.call` as a CandlemarkError with the right code, and over HTTP with the status
 * of error-status.ts (4xx for the caller's mistakes, 503 to retry, 500 only for a real fault).
 * Real project files, a real second SQLite connection for `busy`, the real browser host.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError, ERROR_CODES, type ErrorCode } from '../../core/service/errors.ts';
import { exitCodeOf, httpStatusOf } from '../../core/service/error-status.ts';
import { SERVER_PATH_ARGS } from '../../core/service/schemas.ts';
import { startHttpHost, type RunningHost } from '../../server/http-host.ts';
import { errorFromWire } from '../../core/service/wire-error.ts';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';

interface Case {
  code: ErrorCode;
  what: string;
  command: string;
  args: unknown;
  /** Runs around the call (e.g. takes the write lock), and undoes it after. */
  around?: () => () => void;
  message?: RegExp;
}

let dir: string;
let file: string;
let service: CandlemarkService;
let host: RunningHost;

beforeAll(async () => {
  dir = tempDir();
  file = path.join(dir, 'p.candlemark');
  // A short wait for the write lock, so the `busy` case is quick.
  service = CandlemarkService.open(file, { create: true, busyTimeoutMs: 300 });
  await service.call('demo.create', { seed: 2, bars: 1024 });
  host = await startHttpHost({ service, staticDir: path.join(REPO_ROOT, 'server/static') });
});
afterAll(async () => {
  await host.close();
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function aWindowId(): number {
  return service.store.listWindows()[0].id;
}

const cases: Case[] = [
  { code: 'invalid-arguments', what: 'a schema violation', command: 'labels.add', args: { windowId: 'x' } },
  {
    code: 'invalid-arguments',
    what: 'an unknown label type (the store refuses the value)',
    command: 'labels.add',
    args: () => ({
      windowId: aWindowId(),
      startTime: service.store.listWindows()[0].startTime,
      endTime: service.store.listWindows()[0].startTime,
      type: 'sideways',
    }),
    message: /Unknown label type "sideways"/,
  },
  { code: 'unknown-command', what: 'a command that does not exist', command: 'labels.frobnicate', args: {} },
  {
    code: 'not-found',
    what: 'labels.update of a missing label',
    command: 'labels.update',
    args: { id: 999_999, patch: { confidence: 0.5 } },
    message: /No label 999999/,
  },
  { code: 'not-found', what: 'labels.delete of a missing label', command: 'labels.delete', args: { id: 999_999 } },
  { code: 'not-found', what: 'a missing run', command: 'runs.get', args: { runId: 999_999 } },
  // The importers (CSV and labels) report a missing file as a file-level issue of the import.
  {
    code: 'import-failed',
    what: 'a missing labels file',
    command: 'labels.import',
    args: { path: '/nonexistent-candlemark/l.json' },
    message: /nonexistent-candlemark\/l\.json/,
  },
  {
    code: 'import-failed',
    what: 'a missing CSV file',
    command: 'series.import',
    args: { path: '/nonexistent-candlemark/x.csv' },
    message: /nonexistent-candlemark\/x\.csv/,
  },
  { code: 'invalid-arguments', what: 'exporting labels to a folder', command: 'labels.export', args: { path: '/tmp' } },
  { code: 'not-found', what: 'a window that does not exist', command: 'windows.setReviewed', args: { windowId: 999_999, reviewed: true } },
  {
    code: 'conflict',
    what: 'removing a label type labels still use',
    command: 'labelTypes.set',
    args: { types: [{ name: 'only', color: '#000000' }] },
    message: /Label type "(up|down)" is used by \d+ label/,
  },
  { code: 'invalid-operation', what: 'a second demo in the same project', command: 'demo.create', args: { seed: 2, bars: 1024 } },
  {
    code: 'import-failed',
    what: 'a CSV with bad rows',
    command: 'series.importText',
    args: { fileName: 'bad.csv', text: 'time,open,high,low,close\n2020-01-01,1,2,0.5,x\n' },
  },
  { code: 'import-failed', what: 'a labels file with bad JSON', command: 'labels.importText', args: { fileName: 'l.json', text: '{"version": 2}' } },
  {
    code: 'busy',
    what: "another connection holding the project's write lock past the wait",
    command: 'windows.setReviewed',
    args: () => ({ windowId: aWindowId(), reviewed: true }),
    around: () => {
      const other = new Database(file);
      other.exec('BEGIN IMMEDIATE');
      return () => {
        other.exec('ROLLBACK');
        other.close();
      };
    },
    message: /p\.candlemark is being written by another process/,
  },
  {
    code: 'read-only',
    what: 'a project that can no longer be written',
    command: 'windows.setReviewed',
    args: () => ({ windowId: aWindowId(), reviewed: true }),
    // What SQLite reports when the file or its folder became read-only after opening.
    around: () => {
      service.store.db.pragma('query_only = 1');
      return () => service.store.db.pragma('query_only = 0');
    },
    message: /p\.candlemark can't be written/,
  },
];

const argsOf = (c: Case) => (typeof c.args === 'function' ? (c.args as () => unknown)() : c.args);

async function callService(c: Case): Promise<CandlemarkError> {
  const undo = c.around?.();
  try {
    await service.call(c.command, argsOf(c));
  } catch (e) {
    return e as CandlemarkError;
  } finally {
    undo?.();
  }
  throw new Error(`${c.command} succeeded`);
}

function post(body: unknown): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        method: 'POST',
        path: '/api/call',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('error codes over the service', () => {
  for (const c of cases) {
    it(`${c.code}: ${c.what}`, async () => {
      const err = await callService(c);
      expect(err).toBeInstanceOf(CandlemarkError);
      expect(err.code).toBe(c.code);
      if (c.message) expect(err.message).toMatch(c.message);
    });
  }

  it('project-format, not-found and read-only when opening', () => {
    const text = path.join(dir, 'notes.candlemark');
    fs.writeFileSync(text, 'hello\n');
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CandlemarkError);
        return (e as CandlemarkError).code;
      }
      return 'opened';
    };
    expect(codeOf(() => CandlemarkService.open(text))).toBe('project-format');
    expect(codeOf(() => CandlemarkService.open(dir))).toBe('project-format');
    expect(codeOf(() => CandlemarkService.open(path.join(dir, 'missing.candlemark')))).toBe('not-found');
    expect(codeOf(() => CandlemarkService.open(path.join(dir, 'no-such-folder', 'p.candlemark'), { create: true }))).toBe('not-found');
  });

  it('no-project while the project is closing, internal for a real fault', async () => {
    const other = CandlemarkService.open(path.join(dir, 'closing.candlemark'), { create: true });
    const closing = other.closeGracefully();
    await expect(other.call('project.info', {})).rejects.toMatchObject({ code: 'no-project' });
    await closing;

    // A connection closed under the service is a fault of Candlemark, not of the caller.
    const broken = CandlemarkService.open(path.join(dir, 'broken.candlemark'), { create: true });
    broken.store.db.close();
    const err = (await broken.call('project.info', {}).then(
      () => null,
      (e: unknown) => e,
    )) as CandlemarkError;
    expect(err).toBeInstanceOf(CandlemarkError);
    expect(err.code).toBe('internal');
  });
});

describe('error codes through a wire', () => {
  it("Electron's child-process fallback keeps every code (and turns an unknown one into internal)", () => {
    for (const code of ERROR_CODES) expect(errorFromWire({ code, message: 'm', issues: [] }).code).toBe(code);
    expect(errorFromWire({ code: 'made-up', message: 'm', issues: [] }).code).toBe('internal');
  });
});

describe('error codes over HTTP', () => {
  it('the status follows the code: 4xx for the caller, 503 to retry, 500 only for faults', () => {
    const expected: Record<ErrorCode, number> = {
      'invalid-arguments': 400,
      'unknown-command': 400,
      'not-found': 404,
      'project-format': 422,
      'import-failed': 422,
      'invalid-operation': 409,
      conflict: 409,
      'read-only': 403,
      forbidden: 403,
      'no-project': 503,
      busy: 503,
      cancelled: 409,
      internal: 500,
    };
    for (const code of ERROR_CODES) expect(httpStatusOf(code), code).toBe(expected[code]);
    expect(httpStatusOf('something-else')).toBe(500);
    // Every code has its own CLI exit class, and only internal exits 1.
    for (const code of ERROR_CODES) expect(exitCodeOf(code) === 1, code).toBe(code === 'internal');
  });

  for (const c of cases) {
    it(`${c.code} → ${httpStatusOf(c.code)}: ${c.what}`, async () => {
      const undo = c.around?.();
      let res;
      try {
        res = await post({ command: c.command, args: argsOf(c) });
      } finally {
        undo?.();
      }
      // A page may not name files on the host's machine (capability.ts): those commands are refused first.
      const mark = SERVER_PATH_ARGS[c.command as keyof typeof SERVER_PATH_ARGS];
      const namesPath = mark !== undefined && mark.args.some((a) => (c.args as Record<string, unknown>)[a] !== undefined);
      const code = namesPath ? 'forbidden' : c.code;
      expect(res.body.error?.code).toBe(code);
      expect(res.status).toBe(httpStatusOf(code));
    });
  }
});

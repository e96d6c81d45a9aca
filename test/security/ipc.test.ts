/** The IPC handler (electron/ipc.ts): who may call, what a payload may look like, and fuzzing. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { APP_ORIGIN, handleIpcCall, isAppUrl, parsePayload, type IpcResponse, type TrustedSender } from '../../electron/ipc.ts';
import { tempDir } from '../helpers/paths.ts';

const WC_ID = 7;
const trusted: TrustedSender = { webContentsId: WC_ID };

function frame(url: string, parent: unknown = null) {
  return { url, parent };
}
/** An IpcMainInvokeEvent as Electron builds it, reduced to what the handler reads. */
function event(opts: { id?: number; url?: string; parent?: unknown; frame?: unknown } = {}) {
  const f = 'frame' in opts ? opts.frame : frame(opts.url ?? `${APP_ORIGIN}/index.html`, opts.parent ?? null);
  return { sender: { id: opts.id ?? WC_ID }, senderFrame: f };
}
const isError = (r: IpcResponse, code?: string) => 'error' in r && (code === undefined || r.error.code === code);

/** A deterministic PRNG so a failing fuzz case can be reproduced. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('IPC handler', () => {
  let service: CandlemarkService;
  beforeAll(async () => {
    service = CandlemarkService.open(path.join(tempDir(), 'ipc.candlemark'), { create: true });
    await service.call('demo.create', { seed: 5, bars: 1024 });
  });
  afterAll(() => service.close());

  it('answers a well-formed call from our window', async () => {
    const r = await handleIpcCall(service, event(), { command: 'project.info', args: {} }, trusted);
    expect('result' in r && (r.result as { counts: { windows: number } }).counts.windows).toBeGreaterThan(0);
    // args may be left out
    expect('result' in (await handleIpcCall(service, event(), { command: 'series.list' }, trusted))).toBe(true);
  });

  it('rejects wrong senders: other web contents, other origins, subframes, devtools, missing frames', async () => {
    const ok = { command: 'project.info', args: {} };
    const cases: [string, unknown, TrustedSender | null][] = [
      ['no window', event(), null],
      ['other web contents', event({ id: WC_ID + 1 }), trusted],
      ['https page', event({ url: 'https://evil.example/' }), trusted],
      ['http loopback', event({ url: 'http://127.0.0.1:3000/' }), trusted],
      ['file page', event({ url: 'file:///etc/passwd' }), trusted],
      ['app lookalike host', event({ url: 'app://candlemark.evil/index.html' }), trusted],
      ['other scheme, same host', event({ url: 'apps://candlemark/index.html' }), trusted],
      ['credentials in URL', event({ url: 'app://user:pw@candlemark/index.html' }), trusted],
      ['devtools', event({ url: 'devtools://devtools/bundled/devtools_app.html' }), trusted],
      ['about:blank', event({ url: 'about:blank' }), trusted],
      ['data URL', event({ url: 'data:text/html,<script>1</script>' }), trusted],
      ['subframe of the app', event({ parent: frame(`${APP_ORIGIN}/index.html`) }), trusted],
      ['frame gone (null)', event({ frame: null }), trusted],
      ['frame undefined', event({ frame: undefined }), trusted],
      [
        'frame getter throws',
        {
          sender: { id: WC_ID },
          get senderFrame() {
            throw new Error('destroyed');
          },
        },
        trusted,
      ],
      ['frame url not a string', event({ frame: { url: 42, parent: null } }), trusted],
      ['no sender', { senderFrame: frame(`${APP_ORIGIN}/`) }, trusted],
      ['event is null', null, trusted],
      ['event is a string', 'event', trusted],
    ];
    for (const [name, ev, t] of cases) {
      const r = await handleIpcCall(service, ev, ok, t);
      expect(isError(r, 'invalid-operation'), name).toBe(true);
    }
  });

  it('rejects malformed payloads with a typed error', async () => {
    const bad: unknown[] = [
      undefined,
      null,
      0,
      1,
      NaN,
      Infinity,
      true,
      'project.info',
      [],
      ['project.info', {}],
      () => 1,
      Symbol('x'),
      {},
      { args: {} },
      { command: '' },
      { command: 5 },
      { command: null },
      { command: ['project.info'] },
      { command: { toString: () => 'project.info' } },
      { command: 'x'.repeat(101) },
      { command: 'project.info', args: {}, extra: 1 },
      { command: 'project.info', [Symbol('s')]: 1 },
      Object.assign(Object.create({ command: 'project.info' }), {}), // inherited command
      new (class P {
        command = 'project.info';
      })(),
      new Date(),
      new Map([['command', 'project.info']]),
    ];
    for (const p of bad) {
      const r = await handleIpcCall(service, event(), p, trusted);
      expect(isError(r, 'invalid-arguments'), String(typeof p === 'symbol' ? 'symbol' : (JSON.stringify(p) ?? typeof p))).toBe(true);
    }
    expect(isError(await handleIpcCall(service, event(), { command: 'nope.nothing' }, trusted), 'unknown-command')).toBe(true);
    expect(isError(await handleIpcCall(service, event(), { command: '__proto__' }, trusted), 'unknown-command')).toBe(true);
    expect(isError(await handleIpcCall(service, event(), { command: 'constructor' }, trusted), 'unknown-command')).toBe(true);
    expect(isError(await handleIpcCall(service, event(), { command: 'labels.add', args: { windowId: 'x' } }, trusted), 'invalid-arguments')).toBe(true);
    expect(isError(await handleIpcCall(null, event(), { command: 'project.info' }, trusted), 'no-project')).toBe(true);
    expect(parsePayload(JSON.parse('{"command":"project.info","__proto__":{"polluted":1}}'))).toMatch(/unexpected payload field/);
  });

  it('survives hundreds of random and malicious payloads: never throws, nothing polluted, service still works', async () => {
    const rand = rng(20251124);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const commands = [
      'project.info',
      'labels.add',
      'labels.update',
      'labels.delete',
      'bars.read',
      'windows.list',
      'labels.list',
      'labelTypes.set',
      'conflicts.resolve',
      'series.import',
      'labels.export',
      'runs.get',
      'train.cancel',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'labels.undo;rm -rf /',
      '../../etc/passwd',
      '\u0000',
      'x'.repeat(100),
      '🙂',
      '',
    ];
    const nasty = (): unknown => {
      switch (Math.floor(rand() * 16)) {
        case 0:
          return NaN;
        case 1:
          return pick([Infinity, -Infinity, -0, Number.MAX_VALUE, Number.MIN_SAFE_INTEGER - 1, 1e308, 2 ** 53 + 1]);
        case 2:
          return 'A'.repeat(Math.floor(rand() * 3_000_000));
        case 3:
          return pick([
            '',
            '\u0000',
            '../../../../etc/passwd',
            '/dev/zero',
            'C:\\Windows\\win.ini',
            '<img src=x onerror=alert(1)>',
            "'; DROP TABLE labels; --",
            '%s%n',
            '\ud800',
          ]);
        case 4:
          return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
        case 5: {
          let o: unknown = 1;
          for (let i = 0; i < 5000; i++) o = { a: o };
          return o;
        }
        case 6: {
          let a: unknown = [];
          for (let i = 0; i < 5000; i++) a = [a];
          return a;
        }
        case 7:
          return Array.from({ length: Math.floor(rand() * 200_000) }, (_, i) => i);
        case 8:
          return {
            windowId: pick([1, -1, 0, 1.5, NaN, '1', null]),
            startTime: nasty(),
            endTime: nasty(),
            type: pick(['up', 'down', '', 'x'.repeat(40), null]),
          };
        case 9:
          return { id: pick([1, 2, 10 ** 12, -5]), patch: pick([{}, { startTime: NaN }, { note: 'n'.repeat(5000) }, { type: 'up', confidence: 2 }, null]) };
        case 10:
          return { types: pick([[], [{ name: 'up', color: 'red' }], Array(100).fill({ name: 'x', color: '#000000' })]) };
        case 11:
          return { path: pick(['/etc/passwd', '', 'relative.csv', '\u0000', 'x'.repeat(5000)]) };
        case 12:
          return new Date(NaN);
        case 13:
          return pick([null, undefined, true, 0, [], {}]);
        case 14:
          return Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
        default:
          return { seriesId: pick(['demo', '..', '', 'a'.repeat(65)]), from: nasty(), count: nasty() };
      }
    };
    const payload = (): unknown => {
      switch (Math.floor(rand() * 6)) {
        case 0:
          return nasty();
        case 1:
          return { command: pick(commands) };
        case 2:
          return { command: pick(commands), args: nasty() };
        case 3:
          return { command: nasty(), args: nasty() };
        case 4:
          return JSON.parse(`{"command":${JSON.stringify(pick(commands))},"args":{"__proto__":{"isAdmin":true}}}`);
        default:
          return { command: pick(commands), args: nasty(), [pick(['__proto__', 'constructor', 'extra'])]: nasty() };
      }
    };
    const before = JSON.stringify(await service.call('labels.list', {}));
    let errors = 0;
    for (let i = 0; i < 600; i++) {
      const p = payload();
      let r: IpcResponse;
      try {
        r = await handleIpcCall(service, event(), p, trusted);
      } catch (err) {
        throw new Error(`case ${i} threw: ${String(err)}`);
      }
      expect(r !== null && typeof r === 'object' && ('result' in r || 'error' in r), `case ${i}`).toBe(true);
      if ('error' in r) {
        errors++;
        expect(typeof r.error.code).toBe('string');
        expect(Array.isArray(r.error.issues)).toBe(true);
      }
      // A wrong sender is refused whatever it sends.
      expect(isError(await handleIpcCall(service, event({ url: 'https://evil.example/' }), p, trusted), 'invalid-operation')).toBe(true);
    }
    expect(errors).toBeGreaterThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // Nothing the fuzzer sent changed labels, and a real edit still works afterwards.
    const info = await handleIpcCall(service, event(), { command: 'project.info', args: {} }, trusted);
    expect('result' in info).toBe(true);
    expect(JSON.stringify(await service.call('labels.list', {}))).toBe(before);
    const [w] = await service.call('windows.list', {});
    const { time } = await service.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length });
    const added = await handleIpcCall(
      service,
      event(),
      { command: 'labels.add', args: { windowId: w.id, startTime: time[3], endTime: time[9], type: 'up' } },
      trusted,
    );
    expect('result' in added).toBe(true);
  }, 120_000);

  it('refuses commands that name server-side paths (forbidden), and their path arguments', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'stolen.json');
    const calls: [string, Record<string, unknown>][] = [
      ['series.import', { path: '/etc/passwd' }],
      ['labels.import', { path: '/etc/passwd' }],
      ['labels.export', { path: out }],
      ['demo.create', { fromCsv: '/etc/passwd' }],
    ];
    for (const [command, args] of calls) {
      const r = await handleIpcCall(service, event(), { command, args }, trusted);
      expect(isError(r, 'forbidden'), command).toBe(true);
      if ('error' in r) expect(r.error.message).toMatch(/command line/);
    }
    expect(fs.existsSync(out)).toBe(false);
    // The content-carrying variants are what the page uses.
    const text = await handleIpcCall(service, event(), { command: 'labels.exportText', args: { format: 'json' } }, trusted);
    expect('result' in text).toBe(true);
    // The same commands still work for a local caller (the CLI, the menu's file dialogs).
    await service.call('labels.export', { path: out });
    expect(fs.existsSync(out)).toBe(true);
  });

  it('recognises the app origin exactly', () => {
    expect(isAppUrl('app://candlemark/')).toBe(true);
    expect(isAppUrl('app://candlemark/index.html?x=1#y')).toBe(true);
    for (const u of ['app://candlemark.evil/', 'app://evil/candlemark', 'http://candlemark/', 'app:candlemark', '', 'app://candlemark:8080/', null, 5]) {
      expect(isAppUrl(u), String(u)).toBe(false);
    }
  });
});

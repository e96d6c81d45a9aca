/**
 * electron/preload.cjs, loaded with a stub `electron` module (the binary can't run here): it must
 * expose exactly window.candlemark = { call, onEvent }, use only the two Candlemark channels, and
 * require nothing but 'electron' (what a sandboxed preload can do).
 */
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.ts';

const PRELOAD = path.join(REPO_ROOT, 'electron/preload.cjs');
type Listener = (...args: unknown[]) => void;

function loadPreload() {
  const exposed: [string, unknown][] = [];
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const required: string[] = [];
  let invokeImpl: (channel: string, payload: unknown) => Promise<unknown> = async () => ({ result: 'ok' });
  const electronStub = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
    ipcRenderer: {
      invoke: (channel: string, payload: unknown) => {
        invoked.push([channel, payload]);
        return invokeImpl(channel, payload);
      },
      on: (channel: string, fn: Listener) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(fn);
      },
      removeListener: (channel: string, fn: Listener) => listeners.get(channel)?.delete(fn),
      send: () => {
        throw new Error('preload must not use send');
      },
    },
  };
  const mod = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = mod._load;
  mod._load = function (request: string, parent: unknown, isMain: boolean) {
    required.push(request);
    if (request === 'electron') return electronStub;
    return original.call(this, request, parent, isMain);
  };
  try {
    const req = createRequire(import.meta.url);
    delete req.cache[PRELOAD];
    req(PRELOAD);
  } finally {
    mod._load = original;
  }
  const emit = (channel: string, ...args: unknown[]) => {
    for (const fn of listeners.get(channel) ?? []) fn({ sender: 'ipc-event' }, ...args);
  };
  return { exposed, invoked, listeners, required, emit, setInvoke: (f: typeof invokeImpl) => (invokeImpl = f) };
}

describe('preload bridge', () => {
  it('requires only electron and exposes exactly candlemark.{call,onEvent}, once', () => {
    const p = loadPreload();
    expect(p.required.filter((r) => r !== PRELOAD)).toEqual(['electron']);
    expect(p.exposed).toHaveLength(1);
    const [key, api] = p.exposed[0];
    expect(key).toBe('candlemark');
    expect(Object.keys(api as object).sort()).toEqual(['call', 'onEvent']);
    for (const v of Object.values(api as object)) expect(typeof v).toBe('function');
  });

  it('call() invokes candlemark:call with { command, args } and never rejects', async () => {
    const p = loadPreload();
    const api = p.exposed[0][1] as { call(c: unknown, a: unknown): Promise<unknown> };
    expect(await api.call('project.info', { a: 1 })).toEqual({ result: 'ok' });
    expect(p.invoked).toEqual([['candlemark:call', { command: 'project.info', args: { a: 1 } }]]);
    p.setInvoke(async () => {
      throw new Error('An object could not be cloned.');
    });
    expect(await api.call('labels.add', { f: () => 1 })).toEqual({
      error: { code: 'invalid-arguments', message: 'An object could not be cloned.', issues: [] },
    });
  });

  it('onEvent() forwards only candlemark:event (name, payload), hides the IPC event, and unsubscribes', () => {
    const p = loadPreload();
    const api = p.exposed[0][1] as { onEvent(fn: unknown): () => void };
    const got: unknown[][] = [];
    const off = api.onEvent((...args: unknown[]) => got.push(args));
    expect([...p.listeners.keys()]).toEqual(['candlemark:event']);
    p.emit('candlemark:event', 'labels.changed', { windowIds: [1] });
    p.emit('some-other-channel', 'x', 1);
    expect(got).toEqual([['labels.changed', { windowIds: [1] }]]);
    off();
    p.emit('candlemark:event', 'labels.changed', { windowIds: [2] });
    expect(got).toHaveLength(1);
    expect(p.listeners.get('candlemark:event')?.size).toBe(0);
    expect(() => api.onEvent('not a function')).toThrow(TypeError);
  });
});

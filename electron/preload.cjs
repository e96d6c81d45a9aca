// Candlemark's preload: the renderer's only door to the app. Runs sandboxed (only a limited
// `require('electron')` exists here) and exposes exactly `window.candlemark = { call, onEvent }`:
// no ipcRenderer, no Node, no Electron objects cross into the page.
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';

const { contextBridge, ipcRenderer } = require('electron');

const CALL_CHANNEL = 'candlemark:call';
const EVENT_CHANNEL = 'candlemark:event';

contextBridge.exposeInMainWorld('candlemark', {
  /**
   * Runs one service command: resolves to `{ result }` or `{ error: WireError }`, never rejects.
   * `clientId` (optional): the page's id, stamped on the events the call causes (main checks its form).
   */
  call(command, args, clientId) {
    const payload = typeof clientId === 'string' ? { command, args, clientId } : { command, args };
    return ipcRenderer.invoke(CALL_CHANNEL, payload).catch((err) => ({
      // e.g. arguments that cannot be cloned (functions, DOM nodes)
      error: { code: 'invalid-arguments', message: String((err && err.message) || err), issues: [] },
    }));
  },
  /** Subscribes to service events; returns the unsubscribe function. */
  onEvent(listener) {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const forward = (_event, name, payload) => listener(name, payload);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
});

// Test stand-in for the child side of Electron's utilityProcess (main-process.test.ts): gives this
// Node child an Electron-style `process.parentPort` (messages arrive as `{ data }`, postMessage sends
// back) over Node's IPC channel, then loads the module the "parent" asked for.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

const port = new EventEmitter();
port.postMessage = (m) => process.send(m);
process.on('message', (m) => port.emit('message', { data: m }));
process.parentPort = port;
await import(pathToFileURL(process.env.UTILITY_MODULE).href);

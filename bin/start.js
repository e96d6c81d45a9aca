#!/usr/bin/env node
// `npm start`: opens the desktop app when the Electron binary is installed; where it isn't (as on
// machines that cannot download it), says so plainly and starts the browser host instead.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when the download never happened.
    const bin = require('electron');
    return typeof bin === 'string' ? bin : null;
  } catch (err) {
    return { missing: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

const bin = electronBinary();
if (typeof bin === 'string' && process.env.CANDLEMARK_BROWSER !== '1') {
  const child = spawn(bin, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const why = bin && typeof bin === 'object' ? bin.missing : 'CANDLEMARK_BROWSER=1';
  console.log(`Electron is not available here (${why}).`);
  console.log('Starting the browser host instead: open the URL below in a browser.');
  await import('./serve.js');
}

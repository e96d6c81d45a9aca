#!/usr/bin/env node
// Serves the service API over stdin/stdout (newline-delimited JSON) for a parent process that
// can't load better-sqlite3 itself (Electron in development). See server/stdio-host.ts.
import { register } from 'tsx/esm/api';

register();
const { runStdioHost } = await import('../server/stdio-host.ts');
await runStdioHost(process.argv.slice(2));

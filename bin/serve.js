#!/usr/bin/env node
// Runs the browser/headless host (loopback only, token required). See server/main.ts.
import { register } from 'tsx/esm/api';

register();
const { serve } = await import('../server/main.ts');
await serve(process.argv.slice(2));

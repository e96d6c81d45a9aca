#!/usr/bin/env node
// Entry point of the `candlemark` command (package.json "bin"). The CLI is TypeScript run through
// tsx, so `npx candlemark` works in a fresh checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

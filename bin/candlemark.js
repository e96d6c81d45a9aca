#!/usr/bin/env node
// Entry point of the `candlemark` command (package.json "bin"). The CLI is TypeScript run through
// tsx, so `npx candlemark` works in a fresh checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const { installLastResortHandlers } = await import('../hosting/last-resort.ts');
// Whatever escapes a command is reported and makes the exit code non-zero, after the command ends.
installLastResortHandlers('candlemark', { onProblem: () => (process.exitCode = 1) });
const code = await main(process.argv.slice(2));
process.exitCode = code !== 0 ? code : (process.exitCode ?? 0);

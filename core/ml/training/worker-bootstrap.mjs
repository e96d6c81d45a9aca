// Plain-JS entry of the training worker thread: registers tsx (TypeScript sources run without a
// build step) and loads worker.ts. `execArgv: ['--import', 'tsx']` is not honoured by worker
// threads under every host (vitest, Electron), so registration happens here explicitly.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

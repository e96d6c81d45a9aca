// Plain-JS entry of the project's thread or process (project-channel.ts: a worker thread, a Node
// child, an Electron utilityProcess): registers tsx there (execArgv is not honoured by worker
// threads under every host, and a child starts bare), then loads the entry.
import { register } from 'tsx/esm/api';

register();
await import('./project-entry.ts');

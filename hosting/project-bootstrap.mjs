// Plain-JS entry of the service worker thread (see service-worker.ts): registers tsx inside the
// thread (execArgv is not honoured by worker threads under every host), then loads the entry.
import { register } from 'tsx/esm/api';

register();
await import('./project-entry.ts');

// Plain-JS entry of an ensemble member's worker thread (parallel-ensemble.ts): registers tsx inside
// the thread, then loads member-worker.ts (as worker-bootstrap.mjs does for a run's thread).
import { register } from 'tsx/esm/api';

register();
await import('./member-worker.ts');

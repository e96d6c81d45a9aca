/** Child process for the "killed process" test: trains for a long time, printing each epoch. */
import { ProjectStore } from '../../../core/store/index.ts';
import { runTraining } from '../../../core/ml/training/run.ts';

const [file, setId] = process.argv.slice(2);
const store = ProjectStore.open(file);
await runTraining(store, {
  setId: Number(setId),
  head: 'soft',
  hidden: 16,
  epochs: 1000,
  batchSize: 8,
  backend: 'wasm',
  windows: 'all',
  onRunCreated: (id) => console.log(`run ${id}`),
  onEpoch: (e) => console.log(`epoch ${e.epoch}`),
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectStore } from '../../../core/store/index.ts';
import { seedDemoProject } from '../../../bench/demo-data.ts';

/** A fresh project file with a small generated demo set (30 windows × 64 bars: 24 train / 6 val). */
export function makeDemoProject(seed = 5): { file: string; setId: number; windowIds: number[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-train-'));
  const file = path.join(dir, 'p.candlemark');
  const store = ProjectStore.open(file, { create: true });
  try {
    const { setId, windowIds } = seedDemoProject(store, { seed, windows: 30, length: 64 });
    return { file, setId, windowIds };
  } finally {
    store.close();
  }
}

export const TINY = { hidden: 16, epochs: 2, batchSize: 8, learningRate: 0.003, backend: 'wasm' as const, windows: 'all' as const };

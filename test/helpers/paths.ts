import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The real OHLCV series beside the repository (never copied into it). */
export const SHARED_DATA = path.resolve(REPO_ROOT, '../shared/data');

export function tempDir(prefix = 'candlemark-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** sha256 of a file and of its WAL/SHM companions: "byte-for-byte unchanged" covers all three. */
export function projectFingerprint(file: string): string {
  const h = crypto.createHash('sha256');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    h.update(f.slice(file.length) + ':');
    h.update(fs.existsSync(f) ? fs.readFileSync(f) : Buffer.from('absent'));
  }
  return h.digest('hex');
}

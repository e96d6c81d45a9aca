/**
 * The `candlemark` CLI as a user runs it: a real Node process on bin/candlemark.js, for tests of
 * its flags, output and exit codes.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT, tempDir } from './paths.ts';

export function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/candlemark.js'), ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** A new project file holding `candlemark demo --seed SEED` (its generated, labelled demo set). */
export function demoProjectFile(seed: number): string {
  const project = path.join(tempDir(), 'p.candlemark');
  expect(cli(['demo', '--seed', String(seed), '--project', project]).code).toBe(0);
  return project;
}

/**
 * electron-builder.yml checked offline with electron-builder's own loader and schema validation
 * (building a package needs the Electron download; see README "Packaging").
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.ts';

const require = createRequire(import.meta.url);
// CommonJS internals of electron-builder: the same functions `electron-builder` runs before a build.
const { getConfig } = require('app-builder-lib/out/util/config/load') as {
  getConfig(request: object, configPath: string): Promise<{ result: Record<string, any>; configFile: string } | null>; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(config: object, logger: object): Promise<void> };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => object };

async function loadConfig() {
  const loaded = await getConfig(
    { packageKey: 'build', configFilename: 'electron-builder', projectDir: REPO_ROOT, packageMetadata: null },
    path.join(REPO_ROOT, 'electron-builder.yml'),
  );
  if (!loaded) throw new Error('electron-builder.yml not found');
  return loaded.result;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder validation', async () => {
    await expect(validateConfiguration(await loadConfig(), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validation is real: a misspelt key is rejected', async () => {
    const config = { ...(await loadConfig()), linx: { target: ['AppImage'] } };
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/);
  });

  it('targets Linux (AppImage, deb), macOS (dmg) and Windows (nsis) with the app icon', async () => {
    const c = await loadConfig();
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.mac.target).toEqual(['dmg']);
    expect(c.win.target).toEqual(['nsis']);
    for (const os of ['linux', 'mac', 'win']) expect(fs.existsSync(path.join(REPO_ROOT, c[os].icon))).toBe(true);
  });

  it('unpacks native modules from asar and ships the built renderer', async () => {
    const c = await loadConfig();
    expect(c.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/@tensorflow/tfjs-node/**', 'node_modules/@tensorflow/tfjs-node-gpu/**']),
    );
    expect(c.files).toEqual(expect.arrayContaining(['renderer/dist/**', 'electron/**', 'core/**', 'package.json']));
  });
});

/**
 * The host boundaries of eslint.config.js (issue #10 point 7), run through ESLint itself on small
 * sources placed (virtually) in each folder: no host imports another host, hosting/ imports none,
 * hosts reach core only through the service's public surface, and the real tree obeys it.
 */
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.ts';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function problems(file: string, source: string): Promise<string[]> {
  const [r] = await eslint.lintText(source, { filePath: path.join(REPO_ROOT, file) });
  return r.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('host import rules', () => {
  it('refuses a host importing another host, and hosting/ importing any host', async () => {
    expect(await problems('electron/x.ts', "import { serve } from '../server/main.ts';\nvoid serve;\n")).toEqual([
      expect.stringContaining('never imports another host'),
    ]);
    expect(await problems('server/x.ts', "import { main } from '../cli/main.ts';\nvoid main;\n")).toEqual([
      expect.stringContaining('never imports another host'),
    ]);
    expect(await problems('cli/x.ts', "import { startApp } from '../electron/app.ts';\nvoid startApp;\n")).toEqual([
      expect.stringContaining('never imports another host'),
    ]);
    expect(await problems('hosting/x.ts', "import { serve } from '../server/main.ts';\nvoid serve;\n")).toEqual([
      expect.stringContaining('imports none of them'),
    ]);
  });

  it('lets hosts use hosting/, the service surface and types; refuses core internals at runtime', async () => {
    expect(await problems('electron/x.ts', "import { defaultProjectPath } from '../hosting/open-project.ts';\nvoid defaultProjectPath;\n")).toEqual([]);
    expect(await problems('cli/x.ts', "import { CandlemarkService } from '../core/service/service.ts';\nvoid CandlemarkService;\n")).toEqual([]);
    expect(await problems('server/x.ts', "import type { ProjectStore } from '../core/store/index.ts';\nexport type X = ProjectStore;\n")).toEqual([]);
    expect(await problems('server/x.ts', "import { ProjectStore } from '../core/store/index.ts';\nvoid ProjectStore;\n")).toEqual([
      expect.stringContaining('hosts import core only through'),
    ]);
    expect(await problems('hosting/x.ts', "import { trainModel } from '../core/ml/training/train.ts';\nvoid trainModel;\n")).toEqual([
      expect.stringContaining('hosts import core only through'),
    ]);
  });

  it('core imports no host and no hosting/ module', async () => {
    const [r] = await eslint.lintText("import { openProject } from '../../hosting/open-project.ts';\nvoid openProject;\n", {
      filePath: path.join(REPO_ROOT, 'core/service/x.ts'),
    });
    expect(r.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
  });

  it('the hosts in the tree follow the rules', async () => {
    const results = await eslint.lintFiles(['cli', 'hosting', 'server', 'electron'].map((d) => path.join(REPO_ROOT, d, '**/*.ts')));
    const found = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => `${path.relative(REPO_ROOT, r.filePath)}:${m.line} ${m.message}`),
    );
    expect(found).toEqual([]);
  }, 120_000);
});

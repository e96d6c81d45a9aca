import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Core modules a host (and the renderer) may import at runtime besides core/service/*.ts and core/shared/. */
const PURE_CORE_MODULES = ['review/queue', 'review/types', 'ml/training/preflight', 'ml/eval/report-export', 'ml/eval/svg-plot'];
const HOSTS = ['server', 'electron', 'cli'];

function hostImportRules() {
  const core = {
    regex: `^(\\.\\./)+core/(?!(service|shared)/[^/]+\\.ts$|(${PURE_CORE_MODULES.join('|')})\\.ts$)`,
    allowTypeImports: true,
    message:
      'hosts import core only through core/service/*.ts (the service contract), core/shared/ (pure helpers) or the pure modules listed in eslint.config.js; types are fine',
  };
  const other = (folders) => ({
    regex: `^(\\.\\./)+(${folders.join('|')})/`,
    message: 'a host never imports another host: put what both need in hosting/',
  });
  return [
    ...HOSTS.map((host) => ({
      files: [`${host}/**/*.ts`],
      rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [core, other(HOSTS.filter((h) => h !== host))] }] },
    })),
    {
      files: ['hosting/**/*.ts'],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          { patterns: [core, { ...other(HOSTS), message: 'hosting/ is shared by the hosts and imports none of them' }] },
        ],
      },
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      '.scratch/**',
      'node_modules/**',
      'renderer/dist/**',
      'test-results/**',
      'dist/**',
      'out/**',
      'renderer/dist/**',
      'test-results/**',
      'bench/*.py',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // core/ must never reach into a host or the DOM: keep the import direction one way.
      'no-restricted-imports': 'off',
    },
  },
  {
    // The React renderer runs in a browser (or a sandboxed Electron window): browser globals only.
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        fetch: 'readonly',
        WebSocket: 'readonly',
        localStorage: 'readonly',
        sessionStorage: 'readonly',
        navigator: 'readonly',
        requestAnimationFrame: 'readonly',
        cancelAnimationFrame: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Blob: 'readonly',
        File: 'readonly',
        FileReader: 'readonly',
        HTMLElement: 'readonly',
        HTMLInputElement: 'readonly',
        KeyboardEvent: 'readonly',
        MouseEvent: 'readonly',
        ResizeObserver: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    // Plain browser scripts of the overview page.
    files: ['server/static/**/*.js'],
    languageOptions: {
      globals: { document: 'readonly', location: 'readonly', fetch: 'readonly', URLSearchParams: 'readonly', window: 'readonly' },
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', '**/electron/**', '**/server/**', '**/renderer/**', '**/hosting/**', '**/cli/**'] }],
    },
  },
  // Hosts (issue #10 point 7): server/ (browser host), electron/ (desktop), cli/ (command line) and
  // hosting/ (what they share: opening a project, the project process and its message protocol, the
  // static folder, last-resort handlers). Each host imports core only through the service's public
  // surface (core/service/*.ts, not its handlers), core/shared/ (pure helpers) and the named pure
  // modules the renderer also uses; types may come from anywhere in core. No host imports another
  // host: what two hosts need is in hosting/, which imports no host.
  ...hostImportRules(),
  {
    // The renderer runs in a browser: core only as types, plus a named list of pure modules (no Node,
    // no store) whose logic the app must share with the CLI rather than copy.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(\\.\\./)+core/(?!(service/api|service/schemas|shared/issue|review/queue|ml/training/preflight|ml/eval/report-export|ml/eval/svg-plot)\\.ts$)',
              allowTypeImports: true,
              message: 'the renderer imports core only as types, or one of the pure modules listed in eslint.config.js',
            },
          ],
        },
      ],
    },
  },
);

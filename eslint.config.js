import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.scratch/**', 'node_modules/**', 'dist/**', 'out/**', 'renderer/dist/**', 'test-results/**', 'bench/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', performance: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // core/ must never reach into a host or the DOM: keep the import direction one way.
      'no-restricted-imports': 'off',
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
      'no-restricted-imports': ['error', { patterns: ['electron', '**/electron/**', '**/server/**', '**/renderer/**'] }],
    },
  },
);

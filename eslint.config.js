import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['.scratch/**', 'node_modules/**', 'renderer/dist/**', 'test-results/**', 'dist/**', 'out/**', 'renderer/dist/**', 'test-results/**', 'bench/*.py'] },
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
    // The React renderer runs in a browser (or a sandboxed Electron window): browser globals only.
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly', fetch: 'readonly', WebSocket: 'readonly',
        localStorage: 'readonly', sessionStorage: 'readonly', navigator: 'readonly', requestAnimationFrame: 'readonly', cancelAnimationFrame: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', Blob: 'readonly', File: 'readonly', FileReader: 'readonly', HTMLElement: 'readonly',
        HTMLInputElement: 'readonly', KeyboardEvent: 'readonly', MouseEvent: 'readonly', ResizeObserver: 'readonly', URLSearchParams: 'readonly',
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
      'no-restricted-imports': ['error', { patterns: ['electron', '**/electron/**', '**/server/**', '**/renderer/**'] }],
    },
  },
);

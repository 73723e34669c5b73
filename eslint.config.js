import tseslint from 'typescript-eslint';

const browserOnlyGlobals = ['window', 'document', 'localStorage', 'sessionStorage'].map((name) => ({
  name,
  message: 'The background is a service worker: it has no DOM. Keep DOM code in pages and content scripts.',
}));

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', '.data/**', 'coverage/**', '.tmp/**'] },
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error', 'info', 'debug'] }],
    },
  },
  {
    files: ['entrypoints/background/**'],
    rules: { 'no-restricted-globals': ['error', ...browserOnlyGlobals] },
  },
  {
    // shared/ is pure: no browser or server globals, nothing from the extension or server.
    files: ['shared/**'],
    rules: {
      'no-restricted-globals': ['error', ...browserOnlyGlobals, { name: 'chrome', message: 'shared/ is pure code.' }],
      'no-restricted-imports': [
        'error',
        { patterns: ['wxt/*', 'node:*', '../entrypoints/*', '../server/*', '../components/*', '../messaging/*'] },
      ],
    },
  },
  {
    // No imports from one entrypoint into another; the server never imports extension code.
    files: ['entrypoints/**', 'components/**', 'messaging/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/server/*', '../../entrypoints/*', '../*/index*'] }],
    },
  },
  {
    files: ['server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['wxt', 'wxt/*', '**/entrypoints/*', '**/components/*', '**/messaging/*'] },
      ],
    },
  },
  {
    files: ['scripts/**', 'tests/**', 'bench/**', 'server/cli/**', 'server/main.ts'],
    rules: { 'no-console': 'off' },
  },
);

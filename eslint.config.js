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
    // shared/ is pure: no browser or server globals, nothing from the extension or server.
    files: ['shared/**'],
    rules: {
      'no-restricted-globals': ['error', ...browserOnlyGlobals, { name: 'chrome', message: 'shared/ is pure code.' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'wxt/*',
            'node:*',
            '../entrypoints/*',
            '../server/*',
            '../components/*',
            '../messaging/*',
            '../i18n/*',
          ],
        },
      ],
    },
  },
  {
    // No imports from one entrypoint into another; the server never imports extension code.
    files: ['entrypoints/**', 'components/**', 'messaging/**', 'i18n/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/server/*', '../../entrypoints/*', '../*/index*'] }],
    },
  },
  {
    // After the entrypoints block: for the background, these rules replace its import rule.
    files: ['entrypoints/background/**'],
    rules: {
      'no-restricted-globals': ['error', ...browserOnlyGlobals],
      // components/ is UI for the pages; the background's words come from i18n/.
      'no-restricted-imports': ['error', { patterns: ['**/server/*', '../../entrypoints/*', '**/components/*'] }],
    },
  },
  {
    files: ['server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['wxt', 'wxt/*', '**/entrypoints/*', '**/components/*', '**/messaging/*', '**/i18n/*'] },
      ],
    },
  },
  {
    files: ['scripts/**', 'tests/**', 'bench/**', 'server/cli/**', 'server/main.ts'],
    rules: { 'no-console': 'off' },
  },
);

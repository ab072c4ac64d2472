// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SERVER = 'Apps import the server only through @cgp/api/client.';

/** `no-restricted-imports` options for browser code; `extra` adds forbidden packages. */
const appImports = (/** @type {{name: string, message: string}[]} */ extra) => ({
  paths: [
    { name: '@cgp/api', message: SERVER },
    { name: '@cgp/db', message: SERVER },
    { name: '@cgp/jobs', message: SERVER },
    ...extra,
  ],
  patterns: [
    { group: ['@cgp/api/*', '!@cgp/api/client'], message: SERVER },
    { group: ['@cgp/db/*', '@cgp/jobs/*', '@cgp/tests', '@cgp/tests/*'], message: SERVER },
    { group: ['**/api/src/**', '**/db/src/**', '**/jobs/src/**', '**/tests/**'], message: SERVER },
    {
      group: ['**/merchant-portal/src/**', '**/web/src/**', '**/kit/src/**'],
      message: 'Share code between the apps through @cgp/kit, not by reaching into another app.',
    },
  ],
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'db/migrations/**', 'tests/.artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...vue.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser },
    },
    rules: { 'vue/multi-word-component-names': 'off' },
  },
  {
    // The apps and their kit reach the server only through `@cgp/api/client` (types and shared
    // zod schemas): no server module, database code or job may end up in a browser bundle.
    files: ['web/kit/src/**'],
    rules: { 'no-restricted-imports': ['error', appImports([])] },
  },
  {
    // The apps also leave the tRPC client to the kit.
    files: ['web/src/**', 'merchant-portal/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        appImports([
          { name: '@trpc/client', message: 'Use the kit: @cgp/kit/api and @cgp/kit/errors.' },
        ]),
      ],
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  prettier,
);

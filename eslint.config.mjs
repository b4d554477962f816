// ESLint: typescript-eslint's recommended rules without type information, so a run stays well under
// a minute on a loaded machine (about 20 s measured); the compiler (strict, noUnused*) already checks what types can.
// Formatting is Prettier's alone: eslint-config-prettier, last, turns off every rule that would fight it.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'dist-bench/', 'data/', 'coverage/', 'test-artifacts/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A leading underscore marks a value dropped on purpose (Cosmos system fields taken off a
      // document by destructuring, an unused callback parameter), as the compiler's noUnused* allows.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Control characters in patterns are the point: the text guard and the hostile-text tests strip and inject them.
      'no-control-regex': 'off',
      // A variable read by a closure before its one assignment (a server's handler and the object that owns the server) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // The tab's page runs in the browser.
    files: ['tab/app/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Telemetry loads Node's http modules and the instrumentation with require() on purpose: they
    // must be loaded, or reloaded, at the moment the OpenTelemetry hook can patch them.
    files: ['services/core/telemetry.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Jest's configuration files are CommonJS, as Jest loads them.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read what went over the wire (activities, card bodies, Graph and connector requests)
      // as untyped JSON and assert on its shape; typing every fixture would restate the schemas.
      '@typescript-eslint/no-explicit-any': 'off',
      // Expected CLI output is quoted literally, with its two-space column gaps.
      'no-regex-spaces': 'off',
    },
  },
  prettier,
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'lib/', '.data/', 'tools/', 'coverage/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The arrow points down: activities, adapters, the store and the domain never import workflows
    // (their shared message types live in src/domain/messages.ts).
    files: ['src/activities/**/*.ts', 'src/store/**/*.ts', 'src/targets/**/*.ts', 'src/datastores/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/workflows', '**/workflows/**'], message: 'Lower layers do not import workflows; share types through src/domain.' }] }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'undici', 'ldapts', 'knex', 'pg', 'mysql2', 'better-sqlite3'],
          // Activities, adapters and the store may be imported for their types only.
          patterns: [{ group: ['**/activities/**', '**/datastores/**', '**/targets/**', '**/store/**'], allowTypeImports: true }],
        },
      ],
    },
  },
);

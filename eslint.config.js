import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'vitest.config.ts', 'bin/*.js', 'bench/*.mjs', 'test/fixtures/netperf/*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: 'error',
      'no-console': 'error',
    },
  },
  { files: ['bench/**', 'bin/**', 'scripts/**', 'eslint.config.js', 'test/fixtures/**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['bench/**', 'bin/**', 'scripts/**', 'eslint.config.js', 'test/fixtures/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setImmediate: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);

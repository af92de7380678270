import oclif from 'eslint-config-oclif'

export default [
  {ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'examples/plugin-*/dist/**']},
  ...oclif,
  {
    rules: {
      // The project prefers explicit, readable names over these stylistic rules.
      'perfectionist/sort-objects': 'off',
      'perfectionist/sort-object-types': 'off',
      'perfectionist/sort-interfaces': 'off',
      'perfectionist/sort-classes': 'off',
      'perfectionist/sort-union-types': 'off',
      'perfectionist/sort-switch-case': 'off',
      'perfectionist/sort-modules': 'off',
      'unicorn/no-array-reduce': 'off',
      'unicorn/prefer-ternary': 'off',
      'unicorn/no-process-exit': 'off',
      'no-await-in-loop': 'off',
      'n/no-process-exit': 'off',
      'max-params': 'off',
      complexity: 'off',
      camelcase: 'off',
      'new-cap': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'benchmarks/**/*.ts'],
    rules: {
      'no-unused-expressions': 'off', '@typescript-eslint/no-unused-expressions': 'off', 'mocha/no-setup-in-describe': 'off', 'unicorn/consistent-function-scoping': 'off',
    },
  },
]

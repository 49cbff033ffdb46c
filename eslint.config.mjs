// @ts-check
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const frameworks = [
  'mongoose',
  'mongodb',
  'grammy',
  'express',
  'agenda',
  '@agendajs/*',
  'i18next',
  'socket.io',
  'vk-io',
  'pino',
];

/** Dependency direction (ARCHITECTURE.md): inward only, checked on every CI run. */
const restrict = (files, patterns, message) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: [{ group: patterns, message }] },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.tools/', 'coverage/', 'widget/dist/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  restrict(
    ['src/domain/**'],
    [
      ...frameworks,
      '**/store/**',
      '**/infra/**',
      '**/http/**',
      '**/jobs/**',
      '**/bots/**',
      '**/channels/**',
    ],
    'The domain core imports no framework and no outer layer; define a port in src/domain/ports.ts.',
  ),
  restrict(
    ['src/app/**'],
    [
      ...frameworks,
      '**/store/**',
      '**/infra/**',
      '**/http/**',
      '**/jobs/**',
      '**/wiring/**',
      '**/bots/**',
      '**/channels/**',
    ],
    'Use cases take ports as arguments; the composition root (src/hub.ts, src/wiring) plugs in real ones.',
  ),
  restrict(
    ['channels/**'],
    ['mongoose', 'mongodb', '**/src/store/**', '**/bots/**'],
    'Channels import only domain types and their own SDK, never the store or the manager bot.',
  ),
  restrict(
    ['bots/**'],
    ['mongoose', 'mongodb', '**/src/store/**'],
    'The manager bot calls use cases; it never touches the store.',
  ),
  { files: ['scripts/**', 'tests/**'], rules: { 'no-console': 'off' } },
  // Tests break raw YAML trees on purpose; typing those edits buys nothing.
  { files: ['tests/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);

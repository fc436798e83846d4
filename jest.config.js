// Two tiers: `unit` (pure functions, fixtures, no I/O beyond temp files) and `integration`
// (real Postgres, PGlite, chDB, Socket.IO, agent processes, network namespaces).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@netwatcher/shared$': '<rootDir>/shared/src/index.ts',
    '^@netwatcher/shared/node$': '<rootDir>/shared/src/node/index.ts',
    '^@netwatcher/shared/testing$': '<rootDir>/shared/src/testing/index.ts',
  },
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{shared,controller,agent}/src/**/*.spec.ts', '<rootDir>/controller/web/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{controller,agent}/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    },
  ],
};

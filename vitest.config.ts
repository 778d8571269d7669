import { defineConfig } from 'vitest/config';

/*
 * Two projects. `unit`: pure and in-process tests (loopback stand-ins started by the suite), the fast
 * loop (`npm run test:unit`). `integration`: what starts processes or synthesises and bundles the stack
 * (`npm run test:integration`). `npm test` runs both. Unit test files share their workers' module cache
 * (`isolate: false`): every file starts its own servers and restores what it spies on, so nothing leaks
 * from one file to the next, and the loop is twice as fast.
 */
const INTEGRATION = [
  'test/infra/**/*.test.ts',
  'test/cli/bin.test.ts',
  'test/cli/start.test.ts',
  'test/e2e/**/*.test.ts',
  'test/replay/replay.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: INTEGRATION, isolate: false } },
      { extends: true, test: { name: 'integration', include: INTEGRATION } },
    ],
  },
});

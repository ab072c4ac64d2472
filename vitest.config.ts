import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Test files run in parallel; each gets its own database and its own Redis prefix.
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'server',
          globalSetup: ['./db/src/testing/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          include: [
            'db/src/**/*.test.ts',
            'api/src/**/*.test.ts',
            'jobs/src/**/*.test.ts',
            'tests/integration/**/*.test.ts',
            'tests/e2e/**/*.test.ts',
          ],
          env: { LOG_LEVEL: 'silent', NODE_ENV: 'test', TZ: 'UTC' },
        },
      },
      // The apps' own unit tests (pure logic), each with its app's config.
      'web/vitest.config.ts',
    ],
  },
});

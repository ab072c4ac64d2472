import { defineConfig } from 'vitest/config';

/**
 * Tests that load the whole machine (a thousand concurrent requests, fuzzing, killed worker
 * processes, real browsers, spawned platforms). `npm test` runs them one file at a time after the
 * rest, so their timings mean something and they do not starve each other.
 */
const HEAVY = [
  'tests/e2e/**/*.test.ts',
  'tests/integration/booking-concurrency.int.test.ts',
  'tests/integration/on-demand-concurrency.int.test.ts',
  'tests/integration/hostile-input.int.test.ts',
  'tests/integration/multi-process.int.test.ts',
  'tests/integration/login-abuse.int.test.ts',
  'tests/integration/settlement-e2e.int.test.ts',
  'tests/integration/meal-settlement-e2e.int.test.ts',
  'tests/integration/meal-cart-concurrency.int.test.ts',
  'tests/integration/startup.int.test.ts',
  'jobs/src/faults.int.test.ts',
  'jobs/src/sweepers.int.test.ts',
  'jobs/src/settlement-crash.int.test.ts',
  'jobs/src/worker-restart.int.test.ts',
];

/**
 * The job tests again, with their queues and limits on a 3-master Redis Cluster (SPEC §9) that
 * the project's global setup starts: the outbox relay, order timers, refunds, settlement and
 * payouts.
 */
const ON_REDIS_CLUSTER = [
  'jobs/src/order-timers.int.test.ts',
  'jobs/src/refunds.int.test.ts',
  'jobs/src/settlement-payouts.int.test.ts',
];

const server = {
  globalSetup: ['./db/src/testing/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  env: { LOG_LEVEL: 'silent', NODE_ENV: 'test', TZ: 'UTC' },
};

export default defineConfig({
  test: {
    // Test files run in parallel; each gets its own database and its own Redis prefix.
    maxWorkers: 3,
    projects: [
      {
        test: {
          ...server,
          name: 'server',
          include: [
            'db/src/**/*.test.ts',
            'api/src/**/*.test.ts',
            'jobs/src/**/*.test.ts',
            'tests/integration/**/*.test.ts',
          ],
          exclude: HEAVY,
        },
      },
      { test: { ...server, name: 'heavy', include: HEAVY } },
      {
        test: {
          ...server,
          name: 'cluster',
          include: ON_REDIS_CLUSTER,
          globalSetup: [...server.globalSetup, './jobs/src/testing/cluster-global-setup.ts'],
          setupFiles: ['./jobs/src/testing/cluster-setup.ts'],
        },
      },
      // The apps' own unit tests (pure logic), each with its app's config.
      'web/vitest.config.ts',
      'merchant-portal/vitest.config.ts',
    ],
  },
});

import { defineConfig } from 'vitest/config';

/** Unit tests of the app's pure logic (money, time, booking rules); browser flows live in tests/e2e. */
export default defineConfig({
  root: import.meta.dirname,
  test: {
    name: 'web',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // A zone far from Shanghai: the app must show business time whatever the device says.
    env: { TZ: 'America/New_York' },
  },
});

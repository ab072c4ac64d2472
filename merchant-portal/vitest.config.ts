import { defineConfig } from 'vitest/config';

/** Unit tests of the portal's pure logic (money, time, order queue, forms); browser flows live in tests/e2e. */
export default defineConfig({
  root: import.meta.dirname,
  test: {
    name: 'merchant-portal',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // A zone far from Shanghai: the portal must show business time whatever the computer says.
    env: { TZ: 'America/New_York' },
  },
});
